//! Everything the use cases reach: settings, clock, token keys, derived keys
//! and the ports. Each function's wiring (`shared::wiring`) builds it with
//! the adapters that function uses.

use std::sync::Arc;

use crate::auth::sealed::SealingKey;
use crate::clock::Clock;
use crate::ports::{
    BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, SmsSender, Store,
};
use crate::settings::Settings;
use crate::tokens::AccessTokens;

/// Keys derived from the configured secrets, one per purpose.
pub struct Keys {
    pub csrf: Vec<u8>,
    pub cursor: Vec<u8>,
    pub ip_pepper: Vec<u8>,
    /// Keyed hashes of backup and SMS codes (a 6-digit code's hash alone is guessable).
    pub codes: Vec<u8>,
    /// Seals pending MFA logins (`mfa_token`).
    pub pending_logins: SealingKey,
    /// Seals the codes in SMS jobs on the queue.
    pub sms_jobs: SealingKey,
    /// Seals TOTP seeds at rest; only the functions that read seeds get it
    /// (`MFA_ENCRYPTION_KEY`).
    pub seeds: Option<SealingKey>,
}

pub struct App {
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<dyn AccessTokens>,
    pub keys: Keys,
    pub store: Arc<dyn Store>,
    pub email_queue: Arc<dyn EmailQueue>,
    pub email_sender: Arc<dyn EmailSender>,
    pub sms_sender: Arc<dyn SmsSender>,
    pub identity_providers: Arc<dyn IdentityProviders>,
    pub blobs: Arc<dyn BlobStore>,
    pub notifier: Arc<dyn Notifier>,
}

impl App {
    /// Replaces the SMS sender (SNS, or the local outbox).
    pub fn with_sms_sender(mut self, sender: Arc<dyn SmsSender>) -> Self {
        self.sms_sender = sender;
        self
    }

    /// Replaces the identity providers (the configured ones, or a stand-in).
    pub fn with_identity_providers(mut self, providers: Arc<dyn IdentityProviders>) -> Self {
        self.identity_providers = providers;
        self
    }

    /// Replaces the notifier (the local gateway's sockets, or API Gateway's management API).
    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.notifier = notifier;
        self
    }
}
