//! One handle per port: the only way a service reaches a port. Each is built
//! from the `App` and names its port in `PORTS`.

use super::unwired::Unwired;
use super::{App, Core, Port, Ports, Service};
use crate::ports::{BlobStore, EmailQueue, EmailSender, IdentityProviders, Notifier, SmsSender};

static NO_QUEUE: Unwired = Unwired("email queue");
static NO_SENDER: Unwired = Unwired("email sender");
static NO_SMS: Unwired = Unwired("sms sender");
static NO_BLOBS: Unwired = Unwired("blob store");
static NO_NOTIFIER: Unwired = Unwired("notifier");
static NO_PROVIDERS: Unwired = Unwired("identity providers");

/// The background email queue (producers; see `services::mail`).
#[derive(Clone, Copy)]
pub struct Mail<'a> {
    pub(crate) core: &'a Core,
    pub(crate) queue: &'a dyn EmailQueue,
}

impl<'a> Service<'a> for Mail<'a> {
    const PORTS: Ports = Ports::of(Port::EmailQueue);

    fn build(app: &'a App) -> Self {
        let queue = app.wired.email_queue.as_deref();
        Mail {
            core: &app.core,
            queue: queue.unwrap_or(&NO_QUEUE),
        }
    }
}

/// Pushes to and closes WebSockets (see `services::realtime`).
#[derive(Clone, Copy)]
pub struct Sockets<'a> {
    pub(crate) core: &'a Core,
    pub(crate) notifier: &'a dyn Notifier,
}

impl<'a> Service<'a> for Sockets<'a> {
    const PORTS: Ports = Ports::of(Port::Notifier);

    fn build(app: &'a App) -> Self {
        let notifier = app.wired.notifier.as_deref();
        Sockets {
            core: &app.core,
            notifier: notifier.unwrap_or(&NO_NOTIFIER),
        }
    }
}

/// The upload bucket.
#[derive(Clone, Copy)]
pub struct Blobs<'a>(pub(crate) &'a dyn BlobStore);

impl<'a> Service<'a> for Blobs<'a> {
    const PORTS: Ports = Ports::of(Port::Blobs);

    fn build(app: &'a App) -> Self {
        Blobs(app.wired.blobs.as_deref().unwrap_or(&NO_BLOBS))
    }
}

/// The OpenID Connect providers.
#[derive(Clone, Copy)]
pub struct Providers<'a>(pub(crate) &'a dyn IdentityProviders);

impl<'a> Service<'a> for Providers<'a> {
    const PORTS: Ports = Ports::of(Port::IdentityProviders);

    fn build(app: &'a App) -> Self {
        Providers(
            app.wired
                .identity_providers
                .as_deref()
                .unwrap_or(&NO_PROVIDERS),
        )
    }
}

impl Providers<'_> {
    /// Discovery documents and keys, fetched during init so the first
    /// request does not wait for them.
    pub async fn warm(&self) {
        self.0.warm().await;
    }
}

/// What delivers the queue's jobs: the email sender and the SMS sender.
#[derive(Clone, Copy)]
pub struct Couriers<'a> {
    pub(crate) email: &'a dyn EmailSender,
    pub(crate) sms: &'a dyn SmsSender,
}

impl<'a> Service<'a> for Couriers<'a> {
    const PORTS: Ports = Ports::of(Port::EmailSender).union(Ports::of(Port::SmsSender));

    fn build(app: &'a App) -> Self {
        Couriers {
            email: app.wired.email_sender.as_deref().unwrap_or(&NO_SENDER),
            sms: app.wired.sms_sender.as_deref().unwrap_or(&NO_SMS),
        }
    }
}
