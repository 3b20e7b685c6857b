//! The RFC 5322 message of an email job: multipart/alternative (text, HTML)
//! with an `X-Email-Kind` header that mail filters and support can match.

use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::{render, Brand, EmailJob};

/// `X-Email-Kind: verify_email`, … (the job's kind).
#[derive(Clone)]
struct EmailKindHeader(String);

impl Header for EmailKindHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Email-Kind")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The complete message, ready for SES or the local outbox.
pub fn build_message(
    job: &EmailJob,
    from: &str,
    app_base_url: &str,
    brand: &Brand,
) -> anyhow::Result<Vec<u8>> {
    let rendered = render(&job.kind, app_base_url, brand)?;
    let message = Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(job.to.parse::<Mailbox>()?)
        .subject(rendered.subject)
        .message_id(Some(format!("<{}@think-tank>", job.id)))
        .header(EmailKindHeader(job.kind.name().to_string()))
        .date_now()
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, rendered.text))
                .singlepart(part(ContentType::TEXT_HTML, rendered.html)),
        )?;
    Ok(message.formatted())
}

/// 8bit keeps links readable in the `.eml`: quoted-printable would fold them
/// and turn `?token=` into `?token=3D`. RFC 5322 allows lines up to 998
/// octets; a part with a longer line (escaped user text can grow) is left to
/// lettre, which picks quoted-printable or base64, so it still sends.
fn part(content_type: ContentType, text: String) -> SinglePart {
    const MAX_LINE: usize = 998;
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = !crlf.contains('\0') && crlf.lines().all(|l| l.len() <= MAX_LINE);
    let body = if fits {
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit)
    } else {
        Body::new(crlf)
    };
    SinglePart::builder().header(content_type).body(body)
}

#[cfg(test)]
mod tests {
    use super::super::{EmailKind, MAX_TITLE_CHARS};
    use super::*;

    fn verify_job() -> EmailJob {
        EmailJob::new(
            "ada@example.com",
            EmailKind::VerifyEmail {
                name: "Ada".into(),
                token: "tok123".into(),
            },
        )
    }

    fn message(job: &EmailJob) -> String {
        let raw = build_message(
            job,
            "Think-Tank <no-reply@example.com>",
            "http://app.test",
            &Brand::default(),
        );
        String::from_utf8(raw.unwrap()).unwrap()
    }

    #[test]
    fn messages_are_multipart_with_headers_and_their_kind() {
        let text = message(&verify_job());
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
        assert!(text.contains("X-Email-Kind: verify_email\r\n"));
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
                workspace_id: "ws1".into(),
                task_id: "1".into(),
                task_title: format!(
                    "Evil\r\nBcc: victim@example.com\u{2028}{}",
                    "x".repeat(10_000)
                ),
                assigned_by: "Bob\u{0}\t".into(),
            },
        );
        let text = message(&job);
        assert!(!text.lines().any(|l| l.starts_with("Bcc:")));
        assert!(text.lines().all(|l| l.len() <= 998));
        let subject = render(&job.kind, "http://x", &Brand::default())
            .unwrap()
            .subject;
        assert!(subject.chars().count() <= "Task assigned: ".len() + MAX_TITLE_CHARS);
        assert!(subject.ends_with('…'));
    }
}
