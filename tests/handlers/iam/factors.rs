//! The story's second factors: TOTP, backup codes, a phone and SMS codes.

use serde_json::json;
use think_tank_core::auth::totp;
use think_tank_core::clock::{Clock, SystemClock};

use super::paths::{self, open_socket};
use super::world::World;
use super::{registered, signed_in};
use crate::fixtures::PASSWORD;

/// TOTP on, a new set of backup codes, an MFA login, a re-authentication
/// with a code, TOTP off. Backup codes stand in for later TOTP steps, so the
/// story need not wait 30 seconds.
pub async fn second_factors(world: &mut World) {
    let email = "iam-mfa@example.com";
    let token = registered(world, email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let setup = world.send(mfa::MFA_TOTP_SETUP, &token, None, 200).await;
    let seed = totp::from_base32(setup["secret"].as_str().unwrap()).unwrap();
    let code = totp::code_at(&seed, SystemClock.now_secs()).unwrap();
    let elsewhere = signed_in(world, email, PASSWORD).await;
    open_socket(
        world,
        elsewhere["access_token"].as_str().unwrap(),
        &paths::socket("totp-on"),
    )
    .await;
    let enable = Some(json!({ "code": code }));
    world.send(mfa::MFA_TOTP_ENABLE, &token, enable, 200).await;
    let body = world.send(mfa::MFA_BACKUP_CODES, &token, None, 200).await;
    let codes = body["backup_codes"].as_array().unwrap().clone();

    let login = json!({ "email": email, "password": PASSWORD });
    let challenge = world.send(auth::LOGIN, "", Some(login), 401).await;
    world
        .crowd_sessions(email, &paths::socket("crowd-login-mfa"))
        .await;
    let finish = json!({ "mfa_token": challenge["mfa_token"], "code": codes[0] });
    let second = world.send(auth::LOGIN_MFA, "", Some(finish), 200).await;
    open_socket(
        world,
        second["access_token"].as_str().unwrap(),
        &paths::socket("mfa-off"),
    )
    .await;
    let again = json!({ "password": PASSWORD, "code": codes[1] });
    world
        .send(auth::REAUTHENTICATE, &token, Some(again), 204)
        .await;
    let off = json!({ "password": PASSWORD, "code": codes[2] });
    world.send(mfa::MFA_DISABLE, &token, Some(off), 204).await;
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
pub async fn phone_and_sms(world: &mut World) {
    let email = "iam-sms@example.com";
    let token = registered(world, email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for phone in ["+14155552671", "+447400123456"] {
        let add = Some(json!({ "phone": phone }));
        world.send(mfa::PHONE_ADD, &token, add, 202).await;
        world.run_email_worker().await;
        let verify = Some(json!({ "code": sms_code(world, phone) }));
        world.send(mfa::PHONE_VERIFY, &token, verify, 200).await;
        if phone.starts_with("+1") {
            world.send(mfa::PHONE_DELETE, &token, None, 204).await;
        }
    }
    let elsewhere = signed_in(world, email, PASSWORD).await;
    open_socket(
        world,
        elsewhere["access_token"].as_str().unwrap(),
        &paths::socket("sms-on"),
    )
    .await;
    world.send(mfa::MFA_SMS_ENABLE, &token, None, 200).await;
    world.send(mfa::MFA_SMS_SEND, &token, None, 202).await;

    let login = json!({ "email": email, "password": PASSWORD });
    let challenge = world.send(auth::LOGIN, "", Some(login), 401).await;
    let send = json!({ "mfa_token": challenge["mfa_token"] });
    world.send(auth::LOGIN_MFA_SMS, "", Some(send), 202).await;
    world.run_email_worker().await;
    let code = sms_code(world, "+447400123456");
    let finish = json!({ "mfa_token": challenge["mfa_token"], "code": code });
    world.send(auth::LOGIN_MFA, "", Some(finish), 200).await;
}
