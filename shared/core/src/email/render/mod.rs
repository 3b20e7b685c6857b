//! Email bodies from the templates in `templates/email`: each kind's template
//! defines a `subject`, an `action` (the link's label) and a `body` (plain
//! paragraphs); `layout.txt` and `layout.html` set them in the operator's
//! brand. User-supplied text is flattened to one bounded line before it
//! reaches a template, and the HTML layout escapes everything it inserts.

use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{
    context, escape_formatter, AutoEscape, Environment, ErrorKind, Output, State,
    UndefinedBehavior, Value,
};
use serde::Serialize;
use std::fmt::Write;

use super::{one_line, EmailKind, MAX_NAME_CHARS, MAX_TITLE_CHARS};

/// How emails look: the product's name, two colours and where to ask for help.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Brand {
    pub product_name: String,
    /// `#rrggbb`: the header bar, the button and links.
    pub accent_color: String,
    /// `#rrggbb`: around the message.
    pub background_color: String,
    /// Named at the foot of every email when set.
    pub support_address: Option<String>,
}

impl Default for Brand {
    fn default() -> Self {
        Self {
            product_name: "Think-Tank".into(),
            accent_color: "#2563eb".into(),
            background_color: "#f4f5f7".into(),
            support_address: None,
        }
    }
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

const TEMPLATES: [(&str, &str); 8] = [
    (
        "layout.txt",
        include_str!("../../../templates/email/layout.txt"),
    ),
    (
        "layout.html",
        include_str!("../../../templates/email/layout.html"),
    ),
    (
        "verify_email.txt",
        include_str!("../../../templates/email/verify_email.txt"),
    ),
    (
        "password_reset.txt",
        include_str!("../../../templates/email/password_reset.txt"),
    ),
    (
        "account_locked.txt",
        include_str!("../../../templates/email/account_locked.txt"),
    ),
    (
        "task_assigned.txt",
        include_str!("../../../templates/email/task_assigned.txt"),
    ),
    (
        "security_notice.txt",
        include_str!("../../../templates/email/security_notice.txt"),
    ),
    (
        "workspace_invitation.txt",
        include_str!("../../../templates/email/workspace_invitation.txt"),
    ),
];

fn templates() -> &'static Environment<'static> {
    static TEMPLATES_ENV: OnceLock<Environment<'static>> = OnceLock::new();
    TEMPLATES_ENV.get_or_init(|| {
        let mut env = Environment::new();
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid");
        env.set_syntax(syntax);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(readable_html_escape);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the built-in email templates compile (each kind is rendered in a test)");
        }
        env
    })
}

/// HTML escaping of the five characters that need it, so links stay
/// readable in the message (the default escaper also encodes `/`).
fn readable_html_escape(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(text)) if !value.is_safe() => {
            for c in text.chars() {
                match c {
                    '&' => out.write_str("&amp;"),
                    '<' => out.write_str("&lt;"),
                    '>' => out.write_str("&gt;"),
                    '"' => out.write_str("&quot;"),
                    '\'' => out.write_str("&#39;"),
                    c => out.write_char(c),
                }
                .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "email output"))?;
            }
            Ok(())
        }
        _ => escape_formatter(out, state, value),
    }
}

/// The template, the link and the kind's own variables of an email kind;
/// `None` for a job that is not an email, or must be resolved into one first.
fn letter(kind: &EmailKind, base: &str) -> Option<(&'static str, String, Value)> {
    let name = |raw: &str| one_line(raw, MAX_NAME_CHARS);
    Some(match kind {
        EmailKind::VerifyEmail { name: who, token } => (
            "verify_email.txt",
            format!("{base}/verify-email?token={token}"),
            context! { name => name(who) },
        ),
        EmailKind::PasswordReset { name: who, token } => (
            "password_reset.txt",
            format!("{base}/reset-password?token={token}"),
            context! { name => name(who) },
        ),
        EmailKind::AccountLocked {
            name: who,
            locked_until,
        } => (
            "account_locked.txt",
            format!("{base}/forgot-password"),
            context! { name => name(who), locked_until => name(locked_until) },
        ),
        EmailKind::TaskAssigned {
            name: who,
            workspace_id,
            task_id,
            task_title,
            assigned_by,
        } => (
            "task_assigned.txt",
            match workspace_id.as_str() {
                "" => format!("{base}/tasks/{}", name(task_id)),
                ws => format!("{base}/workspaces/{}/tasks/{}", name(ws), name(task_id)),
            },
            context! {
                name => name(who),
                task_title => one_line(task_title, MAX_TITLE_CHARS),
                assigned_by => name(assigned_by),
            },
        ),
        EmailKind::WorkspaceInvitation {
            workspace_name,
            invited_by,
            token,
        } => (
            "workspace_invitation.txt",
            format!("{base}/invitations/accept?token={token}"),
            context! {
                // The address may have no account yet, so no name to greet.
                name => "there",
                workspace_name => name(workspace_name),
                invited_by => name(invited_by),
            },
        ),
        EmailKind::SecurityNotice { name: who, change } => (
            "security_notice.txt",
            format!("{base}/forgot-password"),
            context! { name => name(who), change => flat_change(change) },
        ),
        EmailKind::PasswordResetRequest
        | EmailKind::VerifyEmailRequest
        | EmailKind::SmsCode { .. }
        | EmailKind::WorkspacePurge { .. } => return None,
    })
}

/// The change with its user-supplied strings (a provider's name) flattened.
fn flat_change(change: &super::SecurityChange) -> Value {
    let mut fields = serde_json::to_value(change).unwrap_or_default();
    if let Some(object) = fields.as_object_mut() {
        for value in object.values_mut() {
            if let Some(text) = value.as_str() {
                *value = one_line(text, MAX_NAME_CHARS).into();
            }
        }
    }
    Value::from(Serde(fields))
}

/// The subject and both parts of an email; an error for a job that is not one.
pub fn render(kind: &EmailKind, app_base_url: &str, brand: &Brand) -> anyhow::Result<Rendered> {
    let base = app_base_url.trim_end_matches('/');
    let (template, link, own) = letter(kind, base)
        .ok_or_else(|| anyhow::anyhow!("a {} job is not an email", kind.name()))?;
    let vars = context! { brand => Value::from(Serde(brand)), link => link, ..own };
    let env = templates();
    let mut captured = env.get_template(template)?.render_captured(vars.clone())?;
    let (subject, action, body) = captured.with_state_mut(|state| {
        Ok::<_, minijinja::Error>((
            state.render_block("subject")?,
            state.render_block("action")?,
            state.render_block("body")?,
        ))
    })?;
    let subject = one_line(&subject, 200);
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(|p| one_line(p, usize::MAX))
        .filter(|p| !p.is_empty())
        .collect();
    let page = context! {
        subject => &subject,
        action => one_line(&action, MAX_NAME_CHARS),
        paragraphs => paragraphs,
        ..vars
    };
    Ok(Rendered {
        text: env.get_template("layout.txt")?.render(page.clone())?,
        html: env.get_template("layout.html")?.render(page)?,
        subject,
    })
}

#[cfg(test)]
mod tests;
