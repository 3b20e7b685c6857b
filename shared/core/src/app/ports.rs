//! The ports a function may use besides the table, and sets of them.

/// One port beyond the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Port {
    /// SQS: the background email queue.
    EmailQueue,
    /// SES (or the local outbox).
    EmailSender,
    /// S3: presigned uploads and downloads, object checks.
    Blobs,
    /// API Gateway's management API: pushes to and closes WebSockets.
    Notifier,
    /// SNS (or the local outbox): text messages.
    SmsSender,
    /// The OpenID Connect providers (HTTPS to each), warmed during init.
    IdentityProviders,
}

impl Port {
    pub const ALL: [Port; 6] = [
        Port::EmailQueue,
        Port::EmailSender,
        Port::Blobs,
        Port::Notifier,
        Port::SmsSender,
        Port::IdentityProviders,
    ];

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of ports, computed at compile time from a service's type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ports(u8);

impl Ports {
    pub const NONE: Ports = Ports(0);
    pub const ALL: Ports = Ports((1 << Port::ALL.len()) - 1);

    pub const fn of(port: Port) -> Ports {
        Ports(port.bit())
    }

    pub const fn union(self, other: Ports) -> Ports {
        Ports(self.0 | other.0)
    }

    pub fn contains(self, port: Port) -> bool {
        self.0 & port.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Port> {
        Port::ALL.into_iter().filter(move |p| self.contains(*p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_exactly_the_ports_put_in_it() {
        let set = Ports::of(Port::Notifier).union(Ports::of(Port::EmailQueue));
        let listed: Vec<Port> = set.iter().collect();
        assert_eq!(listed, [Port::EmailQueue, Port::Notifier]);
        assert!(!set.contains(Port::Blobs));
        assert_eq!(Ports::ALL.iter().count(), Port::ALL.len());
    }
}
