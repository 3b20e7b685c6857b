//! Background email: the queued job, its templates (text + HTML) and the
//! RFC 5322 message built from them.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;
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
        task_id: String,
        task_title: String,
        assigned_by: String,
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

impl SecurityChange {
    /// The email's subject and first sentence.
    fn describe(&self) -> (String, String) {
        use SecurityChange::*;
        let (subject, what) = match self {
            PasswordChanged => ("Your password was changed", "The password of your Think-Tank account was changed.".to_string()),
            PasswordReset => ("Your password was reset", "The password of your Think-Tank account was reset with an emailed link.".to_string()),
            FactorEnabled { factor } if factor == "totp" => ("Authenticator app sign-in turned on", "An authenticator app now protects your Think-Tank sign-in.".to_string()),
            FactorEnabled { factor } if factor == "sms" => ("SMS sign-in codes turned on", "Codes sent by SMS to your phone now protect your Think-Tank sign-in.".to_string()),
            FactorEnabled { .. } => ("Two-step sign-in changed", "The second step of your Think-Tank sign-in changed.".to_string()),
            FactorsDisabled => ("Two-step sign-in turned off", "Every second factor of your Think-Tank account was turned off and its backup codes deleted.".to_string()),
            PhoneVerified => ("A phone number was added to your account", "A phone number was confirmed on your Think-Tank account.".to_string()),
            PhoneRemoved => ("A phone number was removed from your account", "The phone number of your Think-Tank account was removed.".to_string()),
            BackupCodesReplaced => ("New backup codes were made", "A new set of backup codes was made for your Think-Tank account; the old ones no longer work.".to_string()),
            BackupCodeUsed { left } => ("A backup code was used", format!("A backup code was used to sign in to your Think-Tank account; {left} are left.")),
            IdentityLinked { provider } => ("A sign-in provider was linked", format!("Your Think-Tank account can now be signed in to with {}.", one_line(provider, MAX_NAME_CHARS))),
            IdentityUnlinked { provider } => ("A sign-in provider was unlinked", format!("Your Think-Tank account can no longer be signed in to with {}.", one_line(provider, MAX_NAME_CHARS))),
        };
        (subject.to_string(), what)
    }
}

impl EmailKind {
    pub fn name(&self) -> &'static str {
        match self {
            EmailKind::VerifyEmail { .. } => "verify_email",
            EmailKind::PasswordReset { .. } => "password_reset",
            EmailKind::AccountLocked { .. } => "account_locked",
            EmailKind::TaskAssigned { .. } => "task_assigned",
            EmailKind::SecurityNotice { .. } => "security_notice",
            EmailKind::SmsCode { .. } => "sms_code",
            EmailKind::PasswordResetRequest => "password_reset_request",
            EmailKind::VerifyEmailRequest => "verify_email_request",
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

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// How much of a user-supplied name or title goes into an email.
const MAX_NAME_CHARS: usize = 100;
const MAX_TITLE_CHARS: usize = 120;

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
pub fn sms_text(code: &str) -> String {
    format!("Your Think-Tank code is {code}. It expires in 10 minutes. Never share it.")
}

/// `None` for a job that is not an email, or must be resolved into one first.
pub fn render(kind: &EmailKind, app_base_url: &str) -> Option<Rendered> {
    let base = app_base_url.trim_end_matches('/');
    let name = |raw: &str| one_line(raw, MAX_NAME_CHARS);
    let rendered = match kind {
        EmailKind::VerifyEmail { name: who, token } => with_link(
            "Confirm your email address",
            &name(who),
            "Welcome to Think-Tank. Confirm your email address with the link below; it works once and expires in 24 hours.",
            &format!("{base}/verify-email?token={token}"),
        ),
        EmailKind::PasswordReset { name: who, token } => with_link(
            "Reset your password",
            &name(who),
            "Someone asked to reset your Think-Tank password. If it was you, use the link below within one hour. If not, ignore this email.",
            &format!("{base}/reset-password?token={token}"),
        ),
        EmailKind::AccountLocked { name: who, locked_until } => with_link(
            "Your account was locked",
            &name(who),
            &format!("After repeated failed logins your Think-Tank account is locked until {locked_until}. Resetting your password lifts the lock at once."),
            &format!("{base}/forgot-password"),
        ),
        EmailKind::TaskAssigned { name: who, task_id, task_title, assigned_by } => {
            let title = one_line(task_title, MAX_TITLE_CHARS);
            with_link(
                &format!("Task assigned: {title}"),
                &name(who),
                &format!("{} assigned you the task \"{title}\".", name(assigned_by)),
                &format!("{base}/tasks/{}", one_line(task_id, MAX_NAME_CHARS)),
            )
        }
        EmailKind::SecurityNotice { name: who, change } => {
            let (subject, what) = change.describe();
            with_link(
                &subject,
                &name(who),
                &format!("{what} If this was not you, reset your password at once and tell an administrator."),
                &format!("{base}/forgot-password"),
            )
        }
        EmailKind::PasswordResetRequest
        | EmailKind::VerifyEmailRequest
        | EmailKind::SmsCode { .. } => return None,
    };
    Some(rendered)
}

fn with_link(subject: &str, name: &str, body: &str, link: &str) -> Rendered {
    let text = format!("Hello {name},\n\n{body}\n\n{link}\n\n-- Think-Tank\n");
    let html = format!(
        "<!doctype html>\n<html><body>\n<p>Hello {},</p>\n<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n<p>&mdash; Think-Tank</p>\n</body></html>\n",
        escape_html(name),
        escape_html(body),
        escape_html(link),
        escape_html(link)
    );
    Rendered {
        subject: subject.to_string(),
        text,
        html,
    }
}

pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The complete RFC 5322 message, multipart/alternative with text and HTML.
pub fn build_message(job: &EmailJob, from: &str, app_base_url: &str) -> anyhow::Result<Vec<u8>> {
    let rendered = render(&job.kind, app_base_url)
        .ok_or_else(|| anyhow::anyhow!("a {} job is not an email", job.kind.name()))?;
    let message = Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(job.to.parse::<Mailbox>()?)
        .subject(rendered.subject)
        .message_id(Some(format!("<{}@think-tank>", job.id)))
        .date_now()
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, rendered.text)?)
                .singlepart(part(ContentType::TEXT_HTML, rendered.html)?),
        )?;
    Ok(message.formatted())
}

/// 8bit keeps links readable in the `.eml`: quoted-printable would fold them
/// and turn `?token=` into `?token=3D`. RFC 5322 allows lines up to 998
/// octets; a part with a longer line (escaped user text can grow) is left to
/// lettre, which picks quoted-printable or base64, so it still sends.
fn part(content_type: ContentType, text: String) -> anyhow::Result<SinglePart> {
    const MAX_LINE: usize = 998;
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = !crlf.contains('\0') && crlf.lines().all(|l| l.len() <= MAX_LINE);
    let body = if fits {
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit)
    } else {
        Body::new(crlf)
    };
    Ok(SinglePart::builder().header(content_type).body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify_job() -> EmailJob {
        EmailJob::new(
            "ada@example.com",
            EmailKind::VerifyEmail {
                name: "Ada <script>".into(),
                token: "tok123".into(),
            },
        )
    }

    #[test]
    fn jobs_serialize_with_kind_and_data() {
        let json = serde_json::to_value(verify_job()).unwrap();
        assert_eq!(json["kind"], "verify_email");
        assert_eq!(json["data"]["token"], "tok123");
    }

    #[test]
    fn links_carry_the_token_as_a_query_parameter() {
        let r = render(&verify_job().kind, "http://app.test/").unwrap();
        assert!(r.text.contains("http://app.test/verify-email?token=tok123"));
        assert!(r.html.contains("http://app.test/verify-email?token=tok123"));
    }

    #[test]
    fn user_supplied_names_are_escaped_in_html() {
        let r = render(&verify_job().kind, "http://app.test").unwrap();
        assert!(r.html.contains("Ada &lt;script&gt;"));
        assert!(!r.html.contains("<script>"));
    }

    #[test]
    fn messages_are_multipart_with_headers() {
        let raw = build_message(
            &verify_job(),
            "Think-Tank <no-reply@example.com>",
            "http://app.test",
        )
        .unwrap();
        let text = String::from_utf8(raw).unwrap();
        for header in [
            "From: ",
            "To: ",
            "Subject: ",
            "Date: ",
            "Message-ID: ",
            "multipart/alternative",
        ] {
            assert!(text.contains(header), "missing {header}");
        }
        assert!(
            text.contains("verify-email?token=tok123"),
            "links stay unbroken"
        );
    }

    #[test]
    fn user_text_cannot_add_headers_or_overlong_lines() {
        let job = EmailJob::new(
            "ada@example.com",
            EmailKind::TaskAssigned {
                name: "Ada\r\nBcc: victim@example.com".into(),
                task_id: "1".into(),
                task_title: format!(
                    "Evil\r\nBcc: victim@example.com\u{2028}{}",
                    "x".repeat(10_000)
                ),
                assigned_by: "Bob\u{0}\t".into(),
            },
        );
        let raw = build_message(&job, "Think-Tank <no-reply@example.com>", "http://x").unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(!text.lines().any(|l| l.starts_with("Bcc:")));
        assert!(text.lines().all(|l| l.len() <= 998));
        let subject = render(&job.kind, "http://x").unwrap().subject;
        assert!(subject.chars().count() <= "Task assigned: ".len() + MAX_TITLE_CHARS);
        assert!(subject.ends_with('…'));
    }

    #[test]
    fn one_line_flattens_and_bounds() {
        assert_eq!(one_line("  a\r\n\tb  c ", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
    }

    #[test]
    fn every_kind_renders() {
        let kinds = [
            EmailKind::PasswordReset {
                name: "a".into(),
                token: "t".into(),
            },
            EmailKind::AccountLocked {
                name: "a".into(),
                locked_until: "2026-01-01T00:00:00Z".into(),
            },
            EmailKind::TaskAssigned {
                name: "a".into(),
                task_id: "1".into(),
                task_title: "T".into(),
                assigned_by: "b".into(),
            },
        ];
        for kind in kinds {
            assert!(
                !render(&kind, "http://x").unwrap().subject.is_empty(),
                "{}",
                kind.name()
            );
        }
    }
}
