//! Revocation survives a failed write: a retry completes what the first try began.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use secrecy::SecretString;
use shared::clock::{Clock, SystemClock};
use shared::domain::Email;
use shared::ports::RevocationStore;
use shared::services::accounts::Registration;
use shared::services::login::LoginInput;
use shared::services::security::ClientMeta;

use crate::gate::{app_over, GateStore};

#[tokio::test]
async fn a_revocation_whose_blacklist_write_failed_completes_on_retry() {
    let store = Arc::new(GateStore::default());
    let app = app_over(store.clone());
    let email = Email::parse("retry@example.com").unwrap();
    let password = || SecretString::from("correct horse battery");
    let registration = Registration {
        email: email.clone(),
        password: password(),
        name: "Retry".into(),
    };
    app.register(registration, &ClientMeta::default())
        .await
        .unwrap();
    let login = LoginInput {
        email,
        password: password(),
        device_name: None,
        web: false,
    };
    let issued = app.login(login, &ClientMeta::default()).await.unwrap();
    let (user_id, session_id) = (&issued.user.id, &issued.session.id);

    store
        .fail_next_blacklist_write
        .store(true, Ordering::SeqCst);
    assert!(app.revoke_session(user_id, session_id).await.is_err());
    app.revoke_session(user_id, session_id).await.unwrap();

    let now = SystemClock.now_secs();
    assert!(store.is_revoked(&issued.access.jti, now).await.unwrap());
}
