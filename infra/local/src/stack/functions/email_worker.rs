//! The email worker: the `email_worker` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;

pub const FUNCTIONS: &[Function] = &[Function::email_worker(
    "EmailWorker",
    "email-worker",
    "Sends queued emails through SES",
    &[Items(&[GetItem, PutItem]), SendEmail, SendSms],
)
.timeout((30, "A batch of 10 emails, each an SES call."))];
