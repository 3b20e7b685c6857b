use super::super::SecurityChange;
use super::*;

fn brand() -> Brand {
    Brand {
        product_name: "Acme Boards".into(),
        accent_color: "#aa3300".into(),
        background_color: "#fafafa".into(),
        support_address: Some("help@acme.example".into()),
    }
}

fn every_email() -> Vec<(String, EmailKind)> {
    let mut kinds = vec![
        (
            "verify_email".to_string(),
            EmailKind::VerifyEmail {
                name: "Ada".into(),
                token: "tok123".into(),
            },
        ),
        (
            "password_reset".into(),
            EmailKind::PasswordReset {
                name: "Ada".into(),
                token: "tok456".into(),
            },
        ),
        (
            "account_locked".into(),
            EmailKind::AccountLocked {
                name: "Ada".into(),
                locked_until: "2026-12-07T20:00:00Z".into(),
            },
        ),
        (
            "workspace_invitation".into(),
            EmailKind::WorkspaceInvitation {
                workspace_name: "Launch".into(),
                invited_by: "Bob".into(),
                token: "tok789".into(),
            },
        ),
        (
            "task_assigned".into(),
            EmailKind::TaskAssigned {
                name: "Ada".into(),
                workspace_id: "ws1".into(),
                task_id: "t1".into(),
                task_title: "Ship it".into(),
                assigned_by: "Bob".into(),
            },
        ),
    ];
    let changes = [
        SecurityChange::PasswordChanged,
        SecurityChange::PasswordReset,
        SecurityChange::FactorEnabled {
            factor: "totp".into(),
        },
        SecurityChange::FactorEnabled {
            factor: "sms".into(),
        },
        SecurityChange::FactorsDisabled,
        SecurityChange::PhoneVerified,
        SecurityChange::PhoneRemoved,
        SecurityChange::BackupCodesReplaced,
        SecurityChange::BackupCodeUsed { left: 7 },
        SecurityChange::IdentityLinked {
            provider: "google".into(),
        },
        SecurityChange::IdentityUnlinked {
            provider: "google".into(),
        },
    ];
    for change in changes {
        let label = serde_json::to_value(&change).unwrap()["change"]
            .as_str()
            .unwrap()
            .to_string();
        let factor = match &change {
            SecurityChange::FactorEnabled { factor } => format!("_{factor}"),
            _ => String::new(),
        };
        kinds.push((
            format!("security_notice_{label}{factor}"),
            EmailKind::SecurityNotice {
                name: "Ada".into(),
                change,
            },
        ));
    }
    kinds
}

#[test]
fn every_kind_renders_in_the_brand_as_its_snapshot() {
    for (label, kind) in every_email() {
        let r = render(&kind, "https://app.acme.example/", &brand()).unwrap();
        let shown = format!(
            "Subject: {}\n\n{}\n----- html -----\n{}",
            r.subject, r.text, r.html
        );
        insta::assert_snapshot!(label, shown);
    }
}

#[test]
fn every_email_names_the_product_its_colours_and_the_support_address() {
    for (label, kind) in every_email() {
        let r = render(&kind, "https://app.acme.example", &brand()).unwrap();
        assert!(r.text.contains("-- Acme Boards"), "{label}");
        assert!(r.text.contains("help@acme.example"), "{label}");
        for part in [
            "Acme Boards",
            "#aa3300",
            "#fafafa",
            "mailto:help@acme.example",
        ] {
            assert!(r.html.contains(part), "{label} lacks {part}");
        }
        assert!(
            !r.text.contains("Think-Tank") && !r.html.contains("Think-Tank"),
            "{label}"
        );
    }
}

#[test]
fn without_a_support_address_the_foot_names_none() {
    let kind = &every_email()[0].1;
    let r = render(kind, "http://x", &Brand::default()).unwrap();
    assert!(!r.text.contains("Questions?") && !r.html.contains("mailto:"));
    assert!(r.text.contains("-- Think-Tank"));
}

#[test]
fn links_carry_the_token_as_a_query_parameter() {
    let kind = &every_email()[0].1;
    let r = render(kind, "http://app.test/", &brand()).unwrap();
    assert!(r.text.contains("http://app.test/verify-email?token=tok123"));
    assert!(r
        .html
        .contains("href=\"http://app.test/verify-email?token=tok123\""));
}

#[test]
fn user_supplied_text_is_escaped_once_in_html_and_kept_in_text() {
    let kind = EmailKind::TaskAssigned {
        name: "Ada <script>".into(),
        workspace_id: "ws1".into(),
        task_id: "t1".into(),
        task_title: "Fix \"a & b\"".into(),
        assigned_by: "Bob".into(),
    };
    let r = render(&kind, "http://x", &brand()).unwrap();
    assert!(r.html.contains("Ada &lt;script&gt;"));
    assert!(!r.html.contains("<script>"));
    assert!(
        r.html.contains("Fix &quot;a &amp; b&quot;") || r.html.contains("Fix &#34;a &amp; b&#34;")
    );
    assert!(r.text.contains("Hello Ada <script>,"));
    assert!(r.text.contains("the task \"Fix \"a & b\"\"."));
}

#[test]
fn a_task_assignment_links_to_the_task_in_its_workspace() {
    let kind = EmailKind::TaskAssigned {
        name: "Ada".into(),
        workspace_id: "ws1".into(),
        task_id: "t1".into(),
        task_title: "Ship it".into(),
        assigned_by: "Bob".into(),
    };
    let r = render(&kind, "http://app.test", &brand()).unwrap();
    assert!(r.text.contains("http://app.test/workspaces/ws1/tasks/t1"));
}

#[test]
fn a_task_assignment_queued_before_workspaces_still_links_to_the_task() {
    let job: EmailKind = serde_json::from_value(serde_json::json!({
        "kind": "task_assigned",
        "data": { "name": "Ada", "task_id": "t1", "task_title": "Ship it", "assigned_by": "Bob" }
    }))
    .unwrap();
    let r = render(&job, "http://app.test", &brand()).unwrap();
    assert!(r.text.contains("http://app.test/tasks/t1"));
}

#[test]
fn jobs_that_are_not_emails_do_not_render() {
    let sms = EmailKind::SmsCode {
        sealed_code: "x".into(),
    };
    assert!(render(&sms, "http://x", &brand()).is_err());
    assert!(render(&EmailKind::PasswordResetRequest, "http://x", &brand()).is_err());
}
