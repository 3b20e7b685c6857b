//! Every AWS call each function makes in a full user story is allowed by
//! that function's IAM statements in `template.yaml`, so a missing
//! permission fails here rather than as `AccessDenied` in production; every
//! function of the template takes part in the story; every step answers the
//! status it expects (a step that failed early would leave its calls
//! unchecked); and every statement a role grants is needed by some call of
//! the story (`mutation`), so a grant nothing uses does not go unnoticed.

mod capacity;
mod factors;
mod feed;
mod hot_keys;
mod mutation;
mod paths;
mod policy;
mod ports;
mod providers;
mod workspaces;
mod world;

use serde_json::{json, Value};

use crate::fixtures::PASSWORD;
use paths::open_socket;
use world::World;

const ADMIN_EMAIL: &str = "iam-admin@example.com";
const OTHER_EMAIL: &str = "iam-other@example.com";
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
    realtime(&mut world, &tokens).await;
    board(&mut world, &tokens).await;
    workspaces::workspaces(&mut world, &tokens).await;
    world.run_fan_out(&mut Default::default()).await;
    uploads(&mut world, &tokens.admin).await;
    hang_up(&mut world).await;
    administration(&mut world, &tokens).await;
    factors::second_factors(&mut world).await;
    factors::phone_and_sms(&mut world).await;
    providers::identity_providers(&mut world).await;
    beside_the_main_paths(&mut world).await;
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
    let survivors = mutation::survivors(&allowed, &world.needed);
    assert!(
        survivors.is_empty(),
        "granted, but no call of the story needs it (take the path in the story, or drop the grant):\n{}",
        survivors.join("\n")
    );
    let untested: Vec<&String> = allowed
        .keys()
        .filter(|b| !world.needed.contains_key(*b))
        .collect();
    assert!(
        untested.is_empty(),
        "functions the story never ran: {untested:?}"
    );
    let hot = hot_keys::unlisted_shared_partitions(&world.written);
    assert!(
        hot.is_empty(),
        "partition keys every user or workspace writes to, with no entity id and not \
         listed (with shard count and reason) in infra/table-design.md:\n{}",
        hot.join("\n")
    );
    let unmeasured = world.capacity.unmeasured();
    assert!(
        unmeasured.is_empty(),
        "DynamoDB reported no consumed capacity to {unmeasured:?}"
    );
    world.capacity.update_or_check();
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
    world.send(auth::REGISTER, "", Some(body), 201).await;
    world.run_email_worker().await;
    let token = token_in(&mail_to(world, email, "Confirm your email address"));
    let verify = json!({ "token": token });
    world.send(auth::VERIFY_EMAIL, "", Some(verify), 200).await;
    signed_in(world, email, PASSWORD).await
}

async fn signed_in(world: &mut World, email: &str, password: &str) -> Value {
    let login = json!({ "email": email, "password": password });
    world.send(auth::LOGIN, "", Some(login), 200).await
}

async fn accounts(world: &mut World) -> Tokens {
    let admin = registered(world, ADMIN_EMAIL).await;
    let other = registered(world, OTHER_EMAIL).await;
    let token = admin["access_token"].as_str().unwrap().to_string();
    let login = json!({ "email": ADMIN_EMAIL, "password": PASSWORD });
    world.send(auth::LOGIN_WEB, "", Some(login), 200).await;
    let refresh = json!({ "refresh_token": admin["refresh_token"] });
    let refreshed = world.send(auth::REFRESH, "", Some(refresh), 200).await;
    let admin = refreshed["access_token"]
        .as_str()
        .unwrap_or(&token)
        .to_string();
    world.send(auth::ME, &admin, None, 200).await;
    let name = json!({ "name": "Iam Admin" });
    world.send(auth::ME_UPDATE, &admin, Some(name), 200).await;
    world.send(auth::SESSIONS_LIST, &admin, None, 200).await;
    let password = json!({ "password": PASSWORD });
    world
        .send(auth::REAUTHENTICATE, &admin, Some(password), 204)
        .await;
    let unproven =
        json!({ "email": "iam-unproven@example.com", "password": PASSWORD, "name": "U" });
    world.send(auth::REGISTER, "", Some(unproven), 201).await;
    let resend = json!({ "email": "iam-unproven@example.com" });
    world
        .send(auth::VERIFY_EMAIL_RESEND, "", Some(resend), 202)
        .await;
    world.run_email_worker().await;
    mail_to(
        world,
        "iam-unproven@example.com",
        "Confirm your email address",
    );
    world.send(auth::JWKS, "", None, 200).await;
    world.send(health::OPENAPI, "", None, 200).await;
    Tokens {
        admin,
        other: other["access_token"].as_str().unwrap().to_string(),
        other_id: other["user"]["id"].as_str().unwrap().to_string(),
    }
}

/// In a workspace the other user belongs to, with the admin's socket open:
/// every task write is pushed to it, and assigning someone emails them.
async fn board(world: &mut World, tokens: &Tokens) {
    let token = &tokens.admin;
    let ws = workspaces::shared_with_other(world, tokens).await;
    let at = |name, task: &str, body| {
        let event = workspaces::event(name, token, &ws, "", body);
        let text = event.to_string().replace(FIXTURE_TASK, task);
        serde_json::from_str::<Value>(&text).unwrap()
    };
    paths::vanished_socket(world, &tokens.other, "create").await;
    let create = json!({ "title": "IAM", "assignee_id": tokens.other_id });
    let created = world
        .call(
            tasks::TASKS_CREATE,
            at("tasks-create", "", Some(create)),
            201,
        )
        .await;
    let id = created["task"]["id"].as_str().unwrap().to_string();
    let admin_id = created["task"]["owner_id"].as_str().unwrap().to_string();
    let filters = [
        vec![],
        vec![("status", "todo")],
        vec![("owner_id", admin_id.as_str())],
        vec![("assignee_id", tokens.other_id.as_str())],
    ];
    for query in filters {
        let list = world::with_query(at("tasks-list", "", None), &query);
        world.call(tasks::TASKS_LIST, list, 200).await;
    }
    world
        .call(tasks::TASK_GET, at("task-get", &id, None), 200)
        .await;
    paths::vanished_socket(world, &tokens.other, "update").await;
    let update = json!({ "status": "done", "assignee_id": admin_id });
    world
        .call(
            tasks::TASK_UPDATE,
            at("task-update", &id, Some(update)),
            200,
        )
        .await;
    paths::vanished_socket(world, &tokens.other, "delete").await;
    world
        .call(tasks::TASK_DELETE, at("task-delete", &id, None), 204)
        .await;
}

/// The task id in the task fixtures.
const FIXTURE_TASK: &str = "01936f3e-0000-7000-8000-00000000abcd";

async fn uploads(world: &mut World, token: &str) {
    let announce = json!({ "filename": "a.txt", "content_type": "text/plain", "size": 5 });
    let created = world
        .send(files::FILES_CREATE, token, Some(announce), 201)
        .await;
    let id = created["file"]["id"].as_str().unwrap().to_string();
    let key = created["upload"]["fields"]["key"]
        .as_str()
        .map(str::to_string);
    world
        .upload(&key.unwrap_or(format!("pending/{id}")), b"hello".to_vec())
        .await;
    paths::vanished_socket(world, token, "file").await;
    world
        .send_to(files::FILE_COMPLETE, token, &id, None, 200)
        .await;
    world.send(files::FILES_LIST, token, None, 200).await;
    world.send_to(files::FILE_GET, token, &id, None, 200).await;
    world
        .send_to(files::FILE_DELETE, token, &id, None, 204)
        .await;

    // Announced, never uploaded: read and deleted while still pending.
    let announce = json!({ "filename": "b.txt", "content_type": "text/plain", "size": 5 });
    let created = world
        .send(files::FILES_CREATE, token, Some(announce), 201)
        .await;
    let id = created["file"]["id"].as_str().unwrap().to_string();
    world.send_to(files::FILE_GET, token, &id, None, 200).await;
    world
        .send_to(files::FILE_DELETE, token, &id, None, 204)
        .await;
}

/// The connection id of the WebSocket fixtures.
const FIXTURE_SOCKET: &str = "L0SM9cOFvHcCIhw=";

/// Opens the fixtures' socket for the admin and sends a chat message on it
/// to a workspace the other user (whose socket has vanished) belongs to.
async fn realtime(world: &mut World, tokens: &Tokens) {
    open_socket(world, &tokens.admin, FIXTURE_SOCKET).await;
    paths::vanished_socket(world, &tokens.other, "chat").await;
    let ws = workspaces::shared_with_other(world, tokens).await;
    let mut message = crate::fixtures::fixture("ws-default");
    let chat = json!({ "action": "message", "workspace_id": ws, "text": "hi" });
    message["body"] = json!(chat.to_string());
    world.call(realtime::WS_DEFAULT, message, 200).await;
}

async fn hang_up(world: &mut World) {
    let disconnect = crate::fixtures::fixture("ws-disconnect");
    world.call(realtime::WS_DISCONNECT, disconnect, 200).await;
}

async fn administration(world: &mut World, tokens: &Tokens) {
    world
        .send(admin::USERS_LIST, &tokens.admin, None, 200)
        .await;
    open_socket(world, &tokens.other, &paths::socket("role-change")).await;
    let role = Some(json!({ "role": "admin" }));
    let other = &tokens.other_id;
    world
        .send_to(admin::USER_UPDATE, &tokens.admin, other, role, 200)
        .await;
    world
        .send(admin::AUDIT_LIST, &tokens.admin, None, 200)
        .await;
    let of_other = [("user_id", other.as_str())];
    world
        .list(admin::AUDIT_LIST, &tokens.admin, &of_other, 200)
        .await;
    let third = registered(world, "iam-third@example.com").await;
    let third_id = third["user"]["id"].as_str().unwrap();
    let third_token = third["access_token"].as_str().unwrap();
    open_socket(world, third_token, &paths::socket("mfa-reset")).await;
    world.seed_second_factors(third_id).await;
    world
        .send_to(admin::USER_MFA_RESET, &tokens.admin, third_id, None, 204)
        .await;
}

/// A session revoked, the password changed and then reset; the reset ends
/// every session, so logout and logout-all run on fresh sign-ins.
async fn sign_out(world: &mut World, tokens: &Tokens) {
    let admin = &tokens.admin;
    let doomed = signed_in(world, ADMIN_EMAIL, PASSWORD).await;
    open_socket(
        world,
        doomed["access_token"].as_str().unwrap(),
        &paths::socket("revoked"),
    )
    .await;
    let doomed = doomed["session_id"].as_str().unwrap();
    world
        .send_to(auth::SESSION_REVOKE, admin, doomed, None, 204)
        .await;
    let elsewhere = signed_in(world, ADMIN_EMAIL, PASSWORD).await;
    open_socket(
        world,
        elsewhere["access_token"].as_str().unwrap(),
        &paths::socket("password-changed"),
    )
    .await;
    let change = json!({ "current_password": PASSWORD, "new_password": "another long password" });
    world
        .send(auth::PASSWORD_CHANGE, admin, Some(change), 204)
        .await;
    open_socket(world, admin, &paths::socket("password-reset")).await;
    let forgot = json!({ "email": ADMIN_EMAIL });
    world
        .send(auth::PASSWORD_FORGOT, "", Some(forgot), 202)
        .await;
    world.run_email_worker().await;
    let token = token_in(&mail_to(world, ADMIN_EMAIL, "Reset your password"));
    let reset = json!({ "token": token, "new_password": "a third long password" });
    world.send(auth::PASSWORD_RESET, "", Some(reset), 204).await;
    world.run_email_worker().await;
    let notice = mail_to(world, ADMIN_EMAIL, "Your password was reset");
    assert!(
        notice.contains("was reset with an emailed link"),
        "{notice}"
    );

    let other = signed_in(world, "iam-other@example.com", PASSWORD).await;
    let other = other["access_token"].as_str().unwrap();
    open_socket(world, other, &paths::socket("logged-out")).await;
    world.send(auth::LOGOUT, other, None, 204).await;
    let admin = signed_in(world, ADMIN_EMAIL, "a third long password").await;
    let second = signed_in(world, ADMIN_EMAIL, "a third long password").await;
    open_socket(
        world,
        second["access_token"].as_str().unwrap(),
        &paths::socket("all-out"),
    )
    .await;
    let admin = admin["access_token"].as_str().unwrap();
    world.send(auth::LOGOUT_ALL, admin, None, 204).await;
}

/// The calls a function makes beside its main path: see `paths`.
async fn beside_the_main_paths(world: &mut World) {
    let email = "iam-paths@example.com";
    registered(world, email).await;
    paths::late_ticket(world, email).await;
    paths::message_after_revocation(world, email).await;
    paths::refresh_reused(world, email).await;
    paths::past_the_session_cap(world, auth::LOGIN, email).await;
    paths::past_the_session_cap(world, auth::LOGIN_WEB, email).await;
    registered(world, "iam-lock@example.com").await;
    paths::locked_out(world, auth::LOGIN, "iam-lock@example.com").await;
    registered(world, "iam-lock-web@example.com").await;
    paths::locked_out(world, auth::LOGIN_WEB, "iam-lock-web@example.com").await;
}

async fn health(world: &mut World) {
    world.send(health::HEALTH, "", None, 200).await;
}
