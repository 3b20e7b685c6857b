//! The phone and SMS codes end to end: through the queue and the worker to
//! the local outbox (`<id>.sms`), verification, SMS as a second factor, and
//! the limits against SMS pumping.

use std::time::Duration;

use e2e::{on_both_backends, Api, Resp, TestUser};
use serde_json::{json, Value};
use think_tank_core::clock::Clock;

const US: &str = "+14155552671";
const UK: &str = "+447400123456";
const CANADA: &str = "+16045550123";

async fn authed(api: &Api, user: &TestUser, method: &str, path: &str, body: Option<Value>) -> Resp {
    api.send_as(method, path, &user.access_token, body).await
}

async fn add_phone(api: &Api, user: &TestUser, phone: &str) -> Resp {
    let body = Some(json!({ "phone": phone }));
    authed(api, user, "POST", "/v1/auth/phone", body).await
}

/// Every text delivered to `phone`, oldest first.
fn texts_to(api: &Api, phone: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&api.outbox) else {
        return Vec::new();
    };
    let mut texts: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".sms"))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((e.file_name().to_string_lossy().to_string(), text))
        })
        .filter(|(_, text)| text.starts_with(&format!("To: {phone}\n")))
        .collect();
    texts.sort();
    texts.into_iter().map(|(_, text)| text).collect()
}

/// The code of the n-th text to `phone`, waiting for the worker (up to 10 s).
async fn code_sent(api: &Api, phone: &str, nth: usize) -> String {
    for _ in 0..200 {
        if let Some(text) = texts_to(api, phone).get(nth - 1) {
            let at = text.find("is ").expect("the code follows 'is'") + 3;
            return text[at..at + 6].to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no text #{nth} reached {phone}");
}

async fn verified(api: &Api, phone: &str) -> TestUser {
    let user = api.user().await;
    assert_eq!(add_phone(api, &user, phone).await.status, 202);
    let code = code_sent(api, phone, 1).await;
    let body = Some(json!({ "code": code }));
    let res = authed(api, &user, "POST", "/v1/auth/phone/verify", body).await;
    assert_eq!(res.status, 200, "{}", res.body);
    user
}

async fn sms_factor(api: &Api) -> TestUser {
    let user = verified(api, US).await;
    let res = authed(api, &user, "POST", "/v1/auth/mfa/sms/enable", None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["backup_codes"].as_array().unwrap().len(), 10);
    user
}

on_both_backends!(a_phone_is_verified_with_the_code_texted_to_it, |api| {
    let user = api.user().await;
    assert_eq!(
        add_phone(&api, &user, "+1 (415) 555-2671").await.status,
        202
    );
    let code = code_sent(&api, US, 1).await;
    let text = &texts_to(&api, US)[0];
    assert!(
        text.starts_with(&format!("To: {US}\n\nYour Think-Tank code is {code}")),
        "{text}"
    );

    let wrong = Some(json!({ "code": "000000" }));
    let res = authed(&api, &user, "POST", "/v1/auth/phone/verify", wrong).await;
    assert_eq!((res.status, res.code()), (422, "invalid_code"));
    let right = Some(json!({ "code": code }));
    let res = authed(&api, &user, "POST", "/v1/auth/phone/verify", right.clone()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        (
            res.body["user"]["phone"].as_str(),
            &res.body["user"]["phone_verified"]
        ),
        (Some(US), &json!(true))
    );
    let again = authed(&api, &user, "POST", "/v1/auth/phone/verify", right).await;
    assert_eq!(again.code(), "invalid_code", "a code works once");
});

on_both_backends!(
    numbers_outside_the_allowed_regions_not_mobile_or_malformed_are_refused,
    |api| {
        let user = api.user().await;
        let jamaica = "+18765550123";
        let toll_free = "+18005550199";
        let london_landline = "+442079460958";
        for phone in [
            "+33612345678",
            jamaica,
            toll_free,
            london_landline,
            "4155552671",
            "+1 415 CALL NOW",
        ] {
            let res = add_phone(&api, &user, phone).await;
            assert_eq!(res.status, 422, "{phone}: {}", res.body);
            assert_eq!(res.body["errors"][0]["field"], "phone");
        }
        assert!(texts_to(&api, "+33612345678").is_empty());
        assert!(texts_to(&api, jamaica).is_empty());
    }
);

on_both_backends!(the_owner_hears_of_a_phone_added_and_removed, |api| {
    let user = verified(&api, UK).await;
    api.wait_for_email(&user.email, "A phone number was added to your account", 1)
        .await;
    let res = authed(&api, &user, "DELETE", "/v1/auth/phone", None).await;
    assert_eq!(res.status, 204, "{}", res.body);
    api.wait_for_email(
        &user.email,
        "A phone number was removed from your account",
        1,
    )
    .await;
});

on_both_backends!(a_new_code_voids_the_one_before, |api| {
    let user = api.user().await;
    add_phone(&api, &user, US).await;
    let first = code_sent(&api, US, 1).await;
    add_phone(&api, &user, US).await;
    let second = code_sent(&api, US, 2).await;
    if first != second {
        let old = Some(json!({ "code": first }));
        let res = authed(&api, &user, "POST", "/v1/auth/phone/verify", old).await;
        assert_eq!((res.status, res.code()), (422, "invalid_code"));
    }
    let new = Some(json!({ "code": second }));
    let res = authed(&api, &user, "POST", "/v1/auth/phone/verify", new).await;
    assert_eq!(res.status, 200, "{}", res.body);
});

on_both_backends!(a_code_dies_after_five_wrong_tries, |api| {
    let user = api.user().await;
    add_phone(&api, &user, US).await;
    let code = code_sent(&api, US, 1).await;
    for _ in 0..5 {
        let wrong = Some(json!({ "code": "000000" }));
        authed(&api, &user, "POST", "/v1/auth/phone/verify", wrong).await;
    }
    let right = Some(json!({ "code": code }));
    let res = authed(&api, &user, "POST", "/v1/auth/phone/verify", right).await;
    assert_eq!(res.code(), "invalid_code");
});

on_both_backends!(a_code_expires_after_ten_minutes, |api| {
    let user = api.user().await;
    add_phone(&api, &user, US).await;
    let code = code_sent(&api, US, 1).await;
    api.clock.advance_secs(601);
    let right = Some(json!({ "code": code }));
    let res = authed(&api, &user, "POST", "/v1/auth/phone/verify", right).await;
    assert_eq!(res.code(), "invalid_code");
});

on_both_backends!(
    an_account_gets_three_codes_for_one_number_in_ten_minutes_and_cannot_spend_another_accounts,
    |api| {
        let user = api.user().await;
        for _ in 0..3 {
            assert_eq!(add_phone(&api, &user, US).await.status, 202);
        }
        let fourth = add_phone(&api, &user, US).await;
        assert_eq!((fourth.status, fourth.code()), (429, "rate_limited"));
        assert!(fourth.header("retry-after").is_some());
        let owner = api.user().await;
        let res = add_phone(&api, &owner, US).await;
        assert_eq!(
            res.status, 202,
            "another account's texts to the number do not use up the owner's"
        );
    }
);

on_both_backends!(
    an_account_gets_five_codes_an_hour_whatever_the_numbers,
    &[
        ("REAUTH_SECONDS", "86400"),
        ("ACCESS_TOKEN_TTL_SECONDS", "86400")
    ],
    |api| {
        let user = api.user().await;
        for phone in [US, US, US, UK, UK] {
            assert_eq!(add_phone(&api, &user, phone).await.status, 202, "{phone}");
        }
        let sixth = add_phone(&api, &user, CANADA).await;
        assert_eq!((sixth.status, sixth.code()), (429, "rate_limited"));
        api.clock.advance_secs(3600);
        assert_eq!(add_phone(&api, &user, CANADA).await.status, 202);
    }
);

on_both_backends!(
    the_deployment_sends_at_most_sms_daily_limit_texts_a_day,
    &[("SMS_DAILY_LIMIT", "2")],
    |api| {
        // An hour into a fresh day, so the day's window holds the whole test.
        let now = api.clock.now_secs().0;
        api.clock
            .advance_secs(86_400 - now.rem_euclid(86_400) + 3600);
        for phone in [US, UK] {
            let user = api.user().await;
            assert_eq!(add_phone(&api, &user, phone).await.status, 202);
        }
        let third = add_phone(&api, &api.user().await, CANADA).await;
        assert_eq!((third.status, third.code()), (429, "rate_limited"));
        assert!(texts_to(&api, CANADA).is_empty());
    }
);

on_both_backends!(
    a_number_gets_at_most_ten_codes_a_day,
    &[
        ("REAUTH_SECONDS", "86400"),
        ("ACCESS_TOKEN_TTL_SECONDS", "86400")
    ],
    |api| {
        // An hour into a fresh day, so the day's window holds the whole test.
        let now = api.clock.now_secs().0;
        api.clock
            .advance_secs(86_400 - now.rem_euclid(86_400) + 3600);
        let user = api.user().await;
        // 3 an hour keeps within the per-10-minute and per-hour limits.
        for round in 0..4 {
            let sends = if round < 3 { 3 } else { 1 };
            for _ in 0..sends {
                assert_eq!(
                    add_phone(&api, &user, US).await.status,
                    202,
                    "round {round}"
                );
            }
            api.clock.advance_secs(3600);
        }
        let eleventh = add_phone(&api, &user, US).await;
        assert_eq!((eleventh.status, eleventh.code()), (429, "rate_limited"));
    }
);

on_both_backends!(sms_is_a_second_factor_end_to_end, |api| {
    let user = sms_factor(&api).await;
    let me = api.get_as("/v1/auth/me", &user.access_token).await;
    assert_eq!(me.body["user"]["mfa_methods"], json!(["sms"]));
    api.wait_for_email(&user.email, "SMS sign-in codes turned on", 1)
        .await;

    let login = api.login(&user.email, &user.password).await;
    assert_eq!(login.code(), "mfa_required");
    assert_eq!(login.body["mfa_methods"], json!(["sms", "backup_code"]));
    let token = login.body["mfa_token"].as_str().unwrap();
    let send = api
        .post("/v1/auth/login/mfa/sms", json!({ "mfa_token": token }))
        .await;
    assert_eq!(send.status, 202, "{}", send.body);
    let code = code_sent(&api, US, 2).await;
    let done = api
        .post(
            "/v1/auth/login/mfa",
            json!({ "mfa_token": token, "code": code }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body["access_token"].is_string());

    let res = authed(&api, &user, "DELETE", "/v1/auth/phone", None).await;
    assert_eq!(
        (res.status, res.code()),
        (409, "conflict"),
        "the phone is pinned while SMS MFA is on"
    );
    let res = add_phone(&api, &user, UK).await;
    assert_eq!((res.status, res.code()), (409, "conflict"));
});

on_both_backends!(
    a_texted_code_reauthenticates_and_disables,
    &[("REAUTH_SECONDS", "600")],
    |api| {
        let user = sms_factor(&api).await;
        api.clock.advance_secs(601);
        let send = authed(&api, &user, "POST", "/v1/auth/mfa/sms/send", None).await;
        assert_eq!(send.status, 202);
        let code = code_sent(&api, US, 2).await;
        let body = Some(json!({ "password": user.password, "code": code }));
        let res = authed(&api, &user, "POST", "/v1/auth/reauthenticate", body).await;
        assert_eq!(res.status, 204, "{}", res.body);

        authed(&api, &user, "POST", "/v1/auth/mfa/sms/send", None).await;
        let code = code_sent(&api, US, 3).await;
        let body = Some(json!({ "password": user.password, "code": code }));
        let res = authed(&api, &user, "POST", "/v1/auth/mfa/disable", body).await;
        assert_eq!(res.status, 204, "{}", res.body);
        let res = authed(&api, &user, "DELETE", "/v1/auth/phone", None).await;
        assert_eq!(res.status, 204, "with SMS MFA off the phone can go");
    }
);

on_both_backends!(
    phone_changes_need_a_recent_sign_in,
    &[("REAUTH_SECONDS", "600")],
    |api| {
        let user = verified(&api, US).await;
        api.clock.advance_secs(601);
        for (method, path, body) in [
            ("POST", "/v1/auth/phone", Some(json!({ "phone": UK }))),
            ("DELETE", "/v1/auth/phone", None),
            ("POST", "/v1/auth/mfa/sms/enable", None),
        ] {
            let res = authed(&api, &user, method, path, body).await;
            assert_eq!(
                (res.status, res.code()),
                (403, "reauthentication_required"),
                "{path}"
            );
        }
    }
);

on_both_backends!(sms_codes_cannot_be_sent_without_sms_mfa, |api| {
    let user = verified(&api, US).await;
    let res = authed(&api, &user, "POST", "/v1/auth/mfa/sms/send", None).await;
    assert_eq!((res.status, res.code()), (409, "conflict"));
    let res = authed(&api, &user, "POST", "/v1/auth/mfa/sms/enable", None).await;
    assert_eq!(res.status, 200);
});

on_both_backends!(
    one_client_ip_gets_ip_rate_limit_texts_a_minute,
    &[("IP_RATE_LIMIT", "2")],
    |api| {
        let user = api.user().await;
        assert_eq!(add_phone(&api, &user, US).await.status, 202);
        assert_eq!(add_phone(&api, &user, UK).await.status, 202);
        let third = add_phone(&api, &user, "+14155552672").await;
        assert_eq!((third.status, third.code()), (429, "rate_limited"));
    }
);
