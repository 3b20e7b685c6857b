use adapters::aws::provision::create_table_without_stream;
use adapters::aws::DynamoStore;
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    new_id, PasswordHash, Role, Session, SessionId, User, UserId, UserRecord,
};

/// A fresh table in DynamoDB Local, or `None` when the emulators are not running.
pub async fn dynamo_store() -> Option<DynamoStore> {
    let clients = e2e::aws_clients_or_skip().await?;
    let table = e2e::unique_name("conformance");
    create_table_without_stream(&clients, &table)
        .await
        .expect("create table");
    Some(DynamoStore::new(clients.dynamodb(), &table))
}

pub const NOW: UnixSecs = UnixSecs(1_800_000_000);

pub fn user(email: &str) -> UserRecord {
    UserRecord {
        user: User {
            id: UserId::generate(),
            email: email.to_string(),
            name: "Ada".into(),
            role: Role::User,
            email_verified: false,
            mfa_enabled: false,
            created_at: NOW.to_millis(),
        },
        password_hash: Some(PasswordHash::new(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        )),
        credential_generation: 0,
        kept_session: None,
    }
}

pub fn session(user_id: &UserId) -> Session {
    Session {
        id: SessionId::generate(),
        user_id: user_id.clone(),
        refresh_hash: "hash-0".into(),
        rotated_hashes: vec![],
        access_jtis: vec![think_tank_core::domain::LiveJti {
            jti: new_id(),
            expires_at: NOW + 900,
        }],
        device_name: Some("Phone".into()),
        user_agent: Some("test".into()),
        created_at: NOW.to_millis(),
        last_used_at: NOW.to_millis(),
        expires_at: NOW + 3600,
        absolute_expires_at: NOW + 7200,
        authenticated_at: NOW,
        credential_generation: 0,
        revoked: false,
    }
}
