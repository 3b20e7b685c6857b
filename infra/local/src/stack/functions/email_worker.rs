//! The email worker: the `email_worker` functions.

use crate::stack::Action::*;
use crate::stack::Function;
use crate::stack::Grant::*;
use crate::stack::Index::Table;

pub const FUNCTIONS: &[Function] = &[Function::email_worker(
    "EmailWorker",
    "email-worker",
    "Sends queued emails through SES and purges deleted workspaces",
    &[
        Items(&[DeleteItem, GetItem, PutItem, UpdateItem]),
        Queries(&[Table]),
        SendEmail,
        SendSms,
    ],
)
.timeout((30, "A batch of 10 emails, each an SES call."))];
