//! Background email: the queued job, its templates (`templates/email`, text
//! and HTML, in the operator's brand) and the RFC 5322 message built from them.

mod message;
mod render;

pub use message::build_message;
pub use render::{render, Brand, Rendered};

use serde::{Deserialize, Serialize};

/// One message on the email queue. `id` is the idempotency key: a redelivered
/// job with the same id is not sent twice.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailJob {
    pub id: String,
    pub to: String,
    #[serde(flatten)]
    pub kind: EmailKind,
}

/// No `Debug`: jobs carry single-use tokens that must never reach a log.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum EmailKind {
    VerifyEmail {
        name: String,
        token: String,
    },
    PasswordReset {
        name: String,
        token: String,
    },
    AccountLocked {
        name: String,
        locked_until: String,
    },
    TaskAssigned {
        name: String,
        /// Empty in jobs queued before tasks belonged to workspaces.
        #[serde(default)]
        workspace_id: String,
        task_id: String,
        task_title: String,
        assigned_by: String,
    },
    /// An invitation to join a workspace; the link carries its token.
    WorkspaceInvitation {
        workspace_name: String,
        invited_by: String,
        token: String,
    },
    /// A change to how the account signs in, told to its owner.
    SecurityNotice {
        name: String,
        change: SecurityChange,
    },
    /// A text message, not an email: `to` is an E.164 number. The code is
    /// sealed (AES-256-GCM, bound to the number), so it never travels or
    /// rests in plain text in the queue or its dead-letter queue.
    SmsCode {
        sealed_code: String,
    },
    /// Not an email yet: the worker looks the address up and sends a
    /// `PasswordReset` if there is an account, so the API does the same work
    /// for every address.
    PasswordResetRequest,
    /// Not an email yet either: the worker sends a `VerifyEmail` if the
    /// address has an account that is still unverified.
    VerifyEmailRequest,
    /// Not an email at all: the worker removes what a deleted workspace left
    /// (its members), in batches; a redelivery resumes where it stopped.
    WorkspacePurge {
        workspace_id: String,
    },
}

/// What changed in how an account signs in (a `security_notice` email).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum SecurityChange {
    PasswordChanged,
    PasswordReset,
    /// A second factor turned on: `totp` or `sms`.
    FactorEnabled {
        factor: String,
    },
    /// Every second factor off, backup codes deleted.
    FactorsDisabled,
    PhoneVerified,
    PhoneRemoved,
    BackupCodesReplaced,
    BackupCodeUsed {
        left: usize,
    },
    IdentityLinked {
        provider: String,
    },
    IdentityUnlinked {
        provider: String,
    },
}

impl EmailKind {
    pub fn name(&self) -> &'static str {
        match self {
            EmailKind::VerifyEmail { .. } => "verify_email",
            EmailKind::PasswordReset { .. } => "password_reset",
            EmailKind::AccountLocked { .. } => "account_locked",
            EmailKind::TaskAssigned { .. } => "task_assigned",
            EmailKind::WorkspaceInvitation { .. } => "workspace_invitation",
            EmailKind::SecurityNotice { .. } => "security_notice",
            EmailKind::SmsCode { .. } => "sms_code",
            EmailKind::PasswordResetRequest => "password_reset_request",
            EmailKind::VerifyEmailRequest => "verify_email_request",
            EmailKind::WorkspacePurge { .. } => "workspace_purge",
        }
    }
}

impl EmailJob {
    pub fn new(to: &str, kind: EmailKind) -> Self {
        Self {
            id: crate::domain::new_id(),
            to: to.to_string(),
            kind,
        }
    }
}

/// How much of a user-supplied name or title goes into an email.
pub(crate) const MAX_NAME_CHARS: usize = 100;
pub(crate) const MAX_TITLE_CHARS: usize = 120;

/// User-supplied text made safe for a header or a line of the body: control
/// characters (CR, LF, tabs, line separators) become spaces, runs of spaces
/// collapse, and the result is cut at `max_chars` with an ellipsis.
pub fn one_line(raw: &str, max_chars: usize) -> String {
    let flat: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = flat.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= max_chars {
        return line;
    }
    let mut cut: String = line.chars().take(max_chars - 1).collect();
    cut.push('…');
    cut
}

/// The text of an SMS carrying `code`.
pub fn sms_text(product_name: &str, code: &str) -> String {
    format!("Your {product_name} code is {code}. It expires in 10 minutes. Never share it.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_serialize_with_kind_and_data() {
        let job = EmailJob::new(
            "ada@example.com",
            EmailKind::VerifyEmail {
                name: "Ada".into(),
                token: "tok123".into(),
            },
        );
        let json = serde_json::to_value(job).unwrap();
        assert_eq!(json["kind"], "verify_email");
        assert_eq!(json["data"]["token"], "tok123");
    }

    #[test]
    fn one_line_flattens_and_bounds() {
        assert_eq!(one_line("  a\r\n\tb  c ", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
    }

    #[test]
    fn sms_texts_name_the_product() {
        assert_eq!(
            sms_text("Acme", "123456"),
            "Your Acme code is 123456. It expires in 10 minutes. Never share it."
        );
    }
}
