//! Every AWS call each function makes in a full user story is allowed by
//! that function's IAM statements in `template.yaml`, so a missing
//! permission fails here rather than as `AccessDenied` in production; and
//! every function of the template takes part in the story.

mod policy;
mod ports;
mod world;

use std::collections::BTreeMap;

use serde_json::{json, Value};

use shared::auth::totp;
use shared::clock::{Clock, SystemClock};

use crate::fixtures::{fixture, fixture_with, PASSWORD};
use world::World;

const ADMIN_EMAIL: &str = "iam-admin@example.com";
const APP: &str = "https://app.example.com/auth/done";
const MOBILE_APP: &str = "com.example.app:/oauth";
const API_BASE_URL: &str = "http://127.0.0.1:9";
/// S256 of the verifier in `tests/events/oidc-token.json`.
const CHALLENGE: &str = "TBVaag_QzFx4gA8hcaVZBr6vRG5rCyUmiPkh5PkvwrY";
const TEMPLATE: &str = include_str!("../../../template.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_aws_call_of_every_function_is_allowed_by_its_role() {
    let Some(clients) = e2e::aws_clients_or_skip().await else {
        return;
    };
    if e2e::oidc_issuer_or_skip().is_none() {
        return;
    }
    let mut world = World::new(clients).await;
    let tokens = accounts(&mut world).await;
    board(&mut world, &tokens.admin).await;
    uploads(&mut world, &tokens.admin).await;
    realtime(&mut world, &tokens.admin).await;
    administration(&mut world, &tokens).await;
    second_factors(&mut world).await;
    phone_and_sms(&mut world).await;
    identity_providers(&mut world).await;
    sign_out(&mut world, &tokens).await;
    health(&mut world).await;

    let allowed = policy::allowed_by_function(TEMPLATE);
    let mut denied = Vec::new();
    for (binary, needed) in &world.needed {
        let role = allowed.get(binary).map(Vec::as_slice).unwrap_or_default();
        for need in needed {
            if !role.iter().any(|statement| statement.allows(need)) {
                denied.push(format!("{binary}: {} on {}", need.action, need.resource));
            }
        }
    }
    assert!(
        denied.is_empty(),
        "denied in production:\n{}",
        denied.join("\n")
    );
    let untested: Vec<&String> = allowed
        .keys()
        .filter(|b| !world.needed.contains_key(*b))
        .collect();
    assert!(
        untested.is_empty(),
        "functions the story never ran: {untested:?}"
    );
}

struct Tokens {
    admin: String,
    other: String,
    other_id: String,
}

fn token_in(mail: &str) -> String {
    let start = mail.find("?token=").expect("a link with a token") + "?token=".len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn mail_to(world: &World, to: &str, subject: &str) -> String {
    let mut found: Vec<(String, String)> = std::fs::read_dir(&world.outbox)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with(&format!("{to}.eml"))
        })
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .filter(|(_, text)| text.contains(&format!("Subject: {subject}")))
        .collect();
    found.sort();
    found.pop().expect("the email arrived").1
}

async fn registered(world: &mut World, email: &str) -> Value {
    let body = json!({ "email": email, "password": PASSWORD, "name": "Iam" });
    let (status, _) = world.send(auth::REGISTER, "", Some(body)).await;
    assert_eq!(status, 201);
    world.run_email_worker().await;
    let token = token_in(&mail_to(world, email, "Confirm your email address"));
    world
        .send(auth::VERIFY_EMAIL, "", Some(json!({ "token": token })))
        .await;
    let login = json!({ "email": email, "password": PASSWORD });
    let (status, body) = world.send(auth::LOGIN, "", Some(login)).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn accounts(world: &mut World) -> Tokens {
    let admin = registered(world, ADMIN_EMAIL).await;
    let other = registered(world, "iam-other@example.com").await;
    let token = admin["access_token"].as_str().unwrap().to_string();
    let login = json!({ "email": ADMIN_EMAIL, "password": PASSWORD });
    world.send(auth::LOGIN_WEB, "", Some(login)).await;
    let refresh = json!({ "refresh_token": admin["refresh_token"] });
    let (status, refreshed) = world.send(auth::REFRESH, "", Some(refresh)).await;
    assert_eq!(status, 200, "{refreshed}");
    let admin = refreshed["access_token"]
        .as_str()
        .unwrap_or(&token)
        .to_string();
    world.send(auth::ME, &admin, None).await;
    world
        .send(
            auth::ME_UPDATE,
            &admin,
            Some(json!({ "name": "Iam Admin" })),
        )
        .await;
    world.send(auth::SESSIONS_LIST, &admin, None).await;
    let password = json!({ "password": PASSWORD });
    let (status, body) = world
        .send(auth::REAUTHENTICATE, &admin, Some(password))
        .await;
    assert_eq!(status, 204, "{body}");
    world.send(auth::VERIFY_EMAIL_RESEND, &admin, None).await;
    world.send(auth::JWKS, "", None).await;
    world.send(health::OPENAPI, "", None).await;
    Tokens {
        admin,
        other: other["access_token"].as_str().unwrap().to_string(),
        other_id: other["user"]["id"].as_str().unwrap().to_string(),
    }
}

async fn board(world: &mut World, token: &str) {
    let create = json!({ "title": "IAM", "assignee_id": null });
    let (status, created) = world.send(tasks::TASKS_CREATE, token, Some(create)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["task"]["id"].as_str().unwrap().to_string();
    world.send(tasks::TASKS_LIST, token, None).await;
    world.send_to(tasks::TASK_GET, token, &id, None).await;
    let update = json!({ "status": "done" });
    world
        .send_to(tasks::TASK_UPDATE, token, &id, Some(update))
        .await;
    world.send_to(tasks::TASK_DELETE, token, &id, None).await;
}

async fn uploads(world: &mut World, token: &str) {
    let announce = json!({ "filename": "a.txt", "content_type": "text/plain", "size": 5 });
    let (status, created) = world.send(files::FILES_CREATE, token, Some(announce)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["file"]["id"].as_str().unwrap().to_string();
    let key = created["upload"]["fields"]["key"]
        .as_str()
        .map(str::to_string);
    world
        .upload(&key.unwrap_or(format!("pending/{id}")), b"hello".to_vec())
        .await;
    let (status, body) = world.send_to(files::FILE_COMPLETE, token, &id, None).await;
    assert_eq!(status, 200, "{body}");
    world.send(files::FILES_LIST, token, None).await;
    world.send_to(files::FILE_GET, token, &id, None).await;
    world.send_to(files::FILE_DELETE, token, &id, None).await;
}

async fn realtime(world: &mut World, token: &str) {
    let (status, ticket) = world.send(realtime::REALTIME_TICKET, token, None).await;
    assert_eq!(status, 201, "{ticket}");
    let mut connect = crate::fixtures::fixture("ws-connect");
    connect["queryStringParameters"]["ticket"] = ticket["ticket"].clone();
    let (status, body) = world.call(realtime::WS_CONNECT, connect).await;
    assert_eq!(status, 200, "the connection is accepted: {body}");
    let mut message = crate::fixtures::fixture("ws-default");
    message["body"] = json!(json!({ "action": "message", "text": "hi" }).to_string());
    let (status, body) = world.call(realtime::WS_DEFAULT, message).await;
    assert_eq!(status, 200, "{body}");
    let disconnect = crate::fixtures::fixture("ws-disconnect");
    let (status, body) = world.call(realtime::WS_DISCONNECT, disconnect).await;
    assert_eq!(status, 200, "{body}");
}

async fn administration(world: &mut World, tokens: &Tokens) {
    world.send(admin::USERS_LIST, &tokens.admin, None).await;
    let role = json!({ "role": "editor" });
    let (status, body) = world
        .send_to(
            admin::USER_UPDATE,
            &tokens.admin,
            &tokens.other_id,
            Some(role),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    world.send(admin::AUDIT_LIST, &tokens.admin, None).await;
    let third = registered(world, "iam-third@example.com").await;
    let third_id = third["user"]["id"].as_str().unwrap();
    world.seed_second_factors(third_id).await;
    let (status, body) = world
        .send_to(admin::USER_MFA_RESET, &tokens.admin, third_id, None)
        .await;
    assert_eq!(status, 204, "{body}");
}

/// TOTP on, a new set of backup codes, an MFA login, a re-authentication
/// with a code, TOTP off. Backup codes stand in for later TOTP steps, so the
/// story need not wait 30 seconds.
async fn second_factors(world: &mut World) {
    let email = "iam-mfa@example.com";
    let token = registered(world, email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, setup) = world.send(mfa::MFA_TOTP_SETUP, &token, None).await;
    assert_eq!(status, 200, "{setup}");
    let seed = totp::from_base32(setup["secret"].as_str().unwrap()).unwrap();
    let code = totp::code_at(&seed, SystemClock.now_secs()).unwrap();
    let enable = Some(json!({ "code": code }));
    let (status, body) = world.send(mfa::MFA_TOTP_ENABLE, &token, enable).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = world.send(mfa::MFA_BACKUP_CODES, &token, None).await;
    assert_eq!(status, 200, "{body}");
    let codes = body["backup_codes"].as_array().unwrap().clone();

    let login = json!({ "email": email, "password": PASSWORD });
    let (status, challenge) = world.send(auth::LOGIN, "", Some(login)).await;
    assert_eq!(status, 401, "{challenge}");
    let finish = json!({ "mfa_token": challenge["mfa_token"], "code": codes[0] });
    let (status, body) = world.send(auth::LOGIN_MFA, "", Some(finish)).await;
    assert_eq!(status, 200, "{body}");
    let again = json!({ "password": PASSWORD, "code": codes[1] });
    let (status, body) = world.send(auth::REAUTHENTICATE, &token, Some(again)).await;
    assert_eq!(status, 204, "{body}");
    let off = json!({ "password": PASSWORD, "code": codes[2] });
    let (status, body) = world.send(mfa::MFA_DISABLE, &token, Some(off)).await;
    assert_eq!(status, 204, "{body}");
}

/// The newest text message the worker delivered to `phone`: its 6-digit code.
fn sms_code(world: &World, phone: &str) -> String {
    let mut texts: Vec<(String, String)> = std::fs::read_dir(&world.outbox)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".sms"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .filter(|(_, text)| text.starts_with(&format!("To: {phone}\n")))
        .collect();
    texts.sort();
    let text = texts.pop().expect("a text reached the number").1;
    let at = text.find("code is ").expect("the text names the code") + "code is ".len();
    text[at..at + 6].to_string()
}

/// A phone added, verified and removed; another verified and made a factor;
/// codes sent for a re-authentication and for an MFA login.
async fn phone_and_sms(world: &mut World) {
    let email = "iam-sms@example.com";
    let token = registered(world, email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for phone in ["+14155552671", "+447400123456"] {
        let add = Some(json!({ "phone": phone }));
        let (status, body) = world.send(mfa::PHONE_ADD, &token, add).await;
        assert_eq!(status, 202, "{body}");
        world.run_email_worker().await;
        let verify = Some(json!({ "code": sms_code(world, phone) }));
        let (status, body) = world.send(mfa::PHONE_VERIFY, &token, verify).await;
        assert_eq!(status, 200, "{body}");
        if phone.starts_with("+1") {
            let (status, body) = world.send(mfa::PHONE_DELETE, &token, None).await;
            assert_eq!(status, 204, "{body}");
        }
    }
    let (status, body) = world.send(mfa::MFA_SMS_ENABLE, &token, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = world.send(mfa::MFA_SMS_SEND, &token, None).await;
    assert_eq!(status, 202, "{body}");

    let login = json!({ "email": email, "password": PASSWORD });
    let (status, challenge) = world.send(auth::LOGIN, "", Some(login)).await;
    assert_eq!(status, 401, "{challenge}");
    let send = json!({ "mfa_token": challenge["mfa_token"] });
    let (status, body) = world.send(auth::LOGIN_MFA_SMS, "", Some(send)).await;
    assert_eq!(status, 202, "{body}");
    world.run_email_worker().await;
    let code = sms_code(world, "+447400123456");
    let finish = json!({ "mfa_token": challenge["mfa_token"], "code": code });
    let (status, body) = world.send(auth::LOGIN_MFA, "", Some(finish)).await;
    assert_eq!(status, 200, "{body}");
}

/// The provider list, a sign-in started with the local test provider, and
/// a linked identity listed and unlinked.
async fn identity_providers(world: &mut World) {
    let (status, body) = world.send(oidc::OIDC_PROVIDERS, "", None).await;
    assert_eq!(status, 200, "{body}");
    // The owner of a squatted (registered, never proven) address signs in in
    // a browser; then someone new signs in from the mobile app.
    let squatter = json!({ "email": "iam-squat@example.com", "password": PASSWORD, "name": "Sq" });
    world.send(auth::REGISTER, "", Some(squatter)).await;
    let login = json!({ "email": "iam-squat@example.com", "password": PASSWORD });
    world.send(auth::LOGIN, "", Some(login)).await;
    let web = fixture("oidc-authorize");
    let back = provider_sign_in(world, web, "iam-squat@example.com").await;
    let (status, headers, body) = world.call_for_headers(oidc::OIDC_CALLBACK, back).await;
    assert_eq!(status, 303, "{body}");
    assert!(headers["location"].to_str().unwrap().starts_with(APP));

    let mut mobile = fixture("oidc-authorize");
    let query = [
        ("redirect_uri", MOBILE_APP),
        ("mode", "mobile"),
        ("code_challenge", CHALLENGE),
    ];
    mobile["queryStringParameters"] = json!(query.into_iter().collect::<BTreeMap<_, _>>());
    mobile["rawQueryString"] = json!(url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish());
    let back = provider_sign_in(world, mobile, "iam-mobile@example.com").await;
    let (status, headers, body) = world.call_for_headers(oidc::OIDC_CALLBACK, back).await;
    assert_eq!(status, 303, "{body}");
    let location = url::Url::parse(headers["location"].to_str().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").unwrap().1;
    let text = fixture("oidc-token").to_string();
    let token = serde_json::from_str(&text.replace("REPLACE_WITH_LOGIN_CODE", &code)).unwrap();
    let (status, body) = world.call(oidc::OIDC_TOKEN, token).await;
    assert_eq!(status, 200, "{body}");

    let user = registered(world, "iam-oidc@example.com").await;
    let token = user["access_token"].as_str().unwrap();
    world
        .seed_identity(user["user"]["id"].as_str().unwrap())
        .await;
    let (status, body) = world.send(oidc::IDENTITIES_LIST, token, None).await;
    assert_eq!(
        (status, body["items"][0]["provider"].as_str()),
        (200, Some("local"))
    );
    let (status, body) = world.send(oidc::IDENTITY_UNLINK, token, None).await;
    assert_eq!(status, 204, "{body}");

    // An account links the provider from its own session.
    let linker = registered(world, "iam-link@example.com").await;
    let token = linker["access_token"].as_str().unwrap();
    let body = json!({ "redirect_uri": APP });
    let (status, body) = world.send(oidc::IDENTITY_LINK, token, Some(body)).await;
    assert_eq!(status, 200, "{body}");
    let location = body["authorize_url"].as_str().unwrap();
    let back = at_provider(location, "", "iam-linked-elsewhere@example.com").await;
    let (status, headers, body) = world.call_for_headers(oidc::OIDC_CALLBACK, back).await;
    assert_eq!(status, 303, "{body}");
    let location = headers["location"].to_str().unwrap();
    assert!(location.ends_with("?linked=local"), "{location}");
}

/// Starts a sign-in with the `authorize` event, signs `email` in at the test
/// provider, and answers the callback event the provider sent the browser to.
async fn provider_sign_in(world: &mut World, authorize: Value, email: &str) -> Value {
    let (status, headers, body) = world
        .call_for_headers(oidc::OIDC_AUTHORIZE, authorize)
        .await;
    assert_eq!(status, 302, "{body}");
    let location = headers["location"].to_str().unwrap();
    let flow_cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok()?.strip_prefix("__Host-oidc_flow="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .next()
        .unwrap_or_default();
    at_provider(location, &flow_cookie, email).await
}

/// Signs `email` in at the provider's `location` and answers the callback
/// event the provider sent the browser to (carrying `flow_cookie`).
async fn at_provider(location: &str, flow_cookie: &str, email: &str) -> Value {
    let who = json!({ "email": email });
    let back = e2e::sign_in_at_provider(location, API_BASE_URL, who).await;
    let back = url::Url::parse(&back).unwrap();
    let query = |name: &str| {
        let found = back.query_pairs().find(|(k, _)| k == name);
        found.unwrap_or_else(|| panic!("no {name} in {back}")).1
    };
    fixture_with(
        "oidc-callback",
        &[
            ("CODE", &query("code")),
            ("STATE", &query("state")),
            ("FLOW_COOKIE", flow_cookie),
        ],
    )
}

async fn sign_out(world: &mut World, tokens: &Tokens) {
    let (_, sessions) = world.send(auth::SESSIONS_LIST, &tokens.admin, None).await;
    let other_session = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] != json!(true))
        .map(|s| s["session_id"].as_str().unwrap().to_string())
        .expect("the web login's session");
    world
        .send_to(auth::SESSION_REVOKE, &tokens.admin, &other_session, None)
        .await;
    let change = json!({ "current_password": PASSWORD, "new_password": "another long password" });
    world
        .send(auth::PASSWORD_CHANGE, &tokens.admin, Some(change))
        .await;
    world
        .send(
            auth::PASSWORD_FORGOT,
            "",
            Some(json!({ "email": ADMIN_EMAIL })),
        )
        .await;
    world.run_email_worker().await;
    let token = token_in(&mail_to(world, ADMIN_EMAIL, "Reset your password"));
    let reset = json!({ "token": token, "new_password": "a third long password" });
    let (status, body) = world.send(auth::PASSWORD_RESET, "", Some(reset)).await;
    assert_eq!(status, 204, "{body}");
    world.send(auth::LOGOUT, &tokens.other, None).await;
    world.send(auth::LOGOUT_ALL, &tokens.admin, None).await;
}

async fn health(world: &mut World) {
    world.send(health::HEALTH, "", None).await;
}
