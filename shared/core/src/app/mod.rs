//! Composition. `Core` is what every service shares (settings, clock, token
//! keys, derived keys, the table); `App` holds it and the ports a function's
//! wiring built; a [`Service`] is built from an `App` with exactly the ports
//! its type names, and a route is handed one service. A use case that needs a
//! port lives in an `impl` block that requires the port's handle, so a route
//! whose service lacks the port cannot call it: it does not compile.
//!
//! ```
//! use think_tank_core::app::Mail;
//! use think_tank_core::services::tasks::{NewTask, Tasks};
//! use think_tank_core::{ApiError, Claim};
//!
//! // Creating a task may email its assignee: the service needs the queue.
//! async fn create(tasks: Tasks<'_, Mail<'_>>, claim: Claim, task: NewTask) -> Result<(), ApiError> {
//!     tasks.create_task(claim, &"a-workspace-id".into(), task).await.map(drop)
//! }
//! ```
//!
//! ```compile_fail,E0599
//! use think_tank_core::services::tasks::{NewTask, Tasks};
//! use think_tank_core::{ApiError, Claim};
//!
//! // Without it there is no `create_task` to call.
//! async fn create(tasks: Tasks<'_>, claim: Claim, task: NewTask) -> Result<(), ApiError> {
//!     tasks.create_task(claim, &"a-workspace-id".into(), task).await.map(drop)
//! }
//! ```

mod handles;
mod ports;
mod unwired;

use std::sync::Arc;

use crate::auth::sealed::SealingKey;
use crate::clock::Clock;
use crate::ports::{
    BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, SmsSender, Store,
};
use crate::settings::Settings;
use crate::tokens::AccessTokens;

pub use handles::{Blobs, Couriers, Mail, Providers, Sockets};
pub use ports::{Port, Ports};

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

/// What every function has: no port beyond the table, which every function
/// but `jwks` reads.
pub struct Core {
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<dyn AccessTokens>,
    pub keys: Keys,
    pub store: Arc<dyn Store>,
}

/// The core and the ports one function's wiring built. Only the handles in
/// this module read the ports.
pub struct App {
    pub core: Core,
    wired: Wired,
}

#[derive(Default)]
struct Wired {
    email_queue: Option<Arc<dyn EmailQueue>>,
    email_sender: Option<Arc<dyn EmailSender>>,
    sms_sender: Option<Arc<dyn SmsSender>>,
    blobs: Option<Arc<dyn BlobStore>>,
    notifier: Option<Arc<dyn Notifier>>,
    identity_providers: Option<Arc<dyn IdentityProviders>>,
}

impl App {
    /// The core with no port yet; the `with_*` methods add them.
    pub fn new(core: Core) -> Self {
        App {
            core,
            wired: Wired::default(),
        }
    }

    pub fn with_email_queue(mut self, queue: Arc<dyn EmailQueue>) -> Self {
        self.wired.email_queue = Some(queue);
        self
    }

    pub fn with_email_sender(mut self, sender: Arc<dyn EmailSender>) -> Self {
        self.wired.email_sender = Some(sender);
        self
    }

    pub fn with_sms_sender(mut self, sender: Arc<dyn SmsSender>) -> Self {
        self.wired.sms_sender = Some(sender);
        self
    }

    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.wired.blobs = Some(blobs);
        self
    }

    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.wired.notifier = Some(notifier);
        self
    }

    pub fn with_identity_providers(mut self, providers: Arc<dyn IdentityProviders>) -> Self {
        self.wired.identity_providers = Some(providers);
        self
    }

    /// Builds a service of this app.
    pub fn service<'a, S: Service<'a>>(&'a self) -> S {
        S::build(self)
    }
}

/// A use-case struct built from the core and the ports its type names.
pub trait Service<'a>: Sized {
    /// The ports `build` reads, so the wiring builds them (and the function's
    /// role is granted what they call).
    const PORTS: Ports;

    fn build(app: &'a App) -> Self;
}

/// The core alone, for a route that reads no port and no use case (the key
/// set, the API description, the provider list).
impl<'a> Service<'a> for &'a Core {
    const PORTS: Ports = Ports::NONE;

    fn build(app: &'a App) -> Self {
        &app.core
    }
}

/// A port slot left empty: the `impl` blocks that need the port do not apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct Absent;

impl<'a> Service<'a> for Absent {
    const PORTS: Ports = Ports::NONE;

    fn build(_: &'a App) -> Self {
        Absent
    }
}

/// The `Service` impl of a use-case struct whose fields are `core` and one
/// service per other field: its ports are theirs. `Name<'a> { field: Type<'a> }`
/// for fixed fields; `Name { field: P }` for a struct generic over each
/// field's type (a port slot that may be [`Absent`]).
#[macro_export]
macro_rules! service {
    ($name:ident<'a> { $($field:ident: $ty:ty),* $(,)? }) => {
        impl<'a> $crate::app::Service<'a> for $name<'a> {
            const PORTS: $crate::app::Ports =
                $crate::app::Ports::NONE$(.union(<$ty as $crate::app::Service<'a>>::PORTS))*;

            fn build(app: &'a $crate::app::App) -> Self {
                $name {
                    core: &app.core,
                    $($field: <$ty as $crate::app::Service<'a>>::build(app)),*
                }
            }
        }

        impl<'a> $name<'a> {
            /// The settings, the gate and the table, for the handler.
            pub fn core(&self) -> &'a $crate::app::Core {
                self.core
            }
        }
    };
    ($name:ident { $($field:ident: $slot:ident),* $(,)? }) => {
        impl<'a, $($slot: $crate::app::Service<'a>),*> $crate::app::Service<'a>
            for $name<'a, $($slot),*>
        {
            const PORTS: $crate::app::Ports = $crate::app::Ports::NONE$(.union($slot::PORTS))*;

            fn build(app: &'a $crate::app::App) -> Self {
                $name {
                    core: &app.core,
                    $($field: $slot::build(app)),*
                }
            }
        }

        impl<'a, $($slot),*> $name<'a, $($slot),*> {
            /// The settings, the gate and the table, for the handler.
            pub fn core(&self) -> &'a $crate::app::Core {
                self.core
            }
        }
    };
}
