//! The email worker: the `email_worker` functions.

use crate::stack::Action::*;
use crate::stack::Event::EmailQueue;
use crate::stack::Function;
use crate::stack::Grant::*;

pub const FUNCTIONS: &[Function] = &[Function {
    id: "EmailWorker",
    name: "email-worker",
    event: EmailQueue,
    description: Some("Sends queued emails through SES"),
    memory: None,
    timeout: Some((30, "A batch of 10 emails, each an SES call.")),
    secrets: &[],
    grants: &[Items(&[GetItem, PutItem]), SendEmail, SendSms],
}];
