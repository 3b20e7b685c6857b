//! The deployed adapters of the core's ports: the AWS services (DynamoDB, SQS,
//! SES, SNS, S3, API Gateway's management API), the OpenID Connect providers,
//! and the outbox (emails and texts as files). Depends on the core only.

pub mod aws;
pub mod oidc;
pub mod outbox;
