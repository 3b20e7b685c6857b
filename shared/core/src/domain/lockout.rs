//! The lockout rules: how reserving a login attempt changes an email's count.
//! Both adapters store this state and apply these rules under their own
//! atomicity (a lock in memory, conditional writes in DynamoDB).

use crate::clock::UnixSecs;

/// Failed-login bookkeeping for one email. An attempt is counted when it is
/// reserved, before the password is checked, so parallel guesses cannot
/// outrun the count; a success clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginAttempts {
    pub failures: u32,
    /// Seconds since epoch; a lock is in force while `now < locked_until`.
    pub locked_until: Option<UnixSecs>,
}

/// The answer to "may one more password be checked for this email?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// Check it: this attempt is number `number` of the count.
    Granted { number: u32 },
    /// A lock is in force until then (seconds since epoch).
    Locked { until: UnixSecs },
    /// The threshold's worth of attempts are counted or still being checked.
    Exhausted,
}

impl LoginAttempts {
    /// A count is forgotten this long after its last change (or after its lock ends).
    pub const RETENTION_SECONDS: i64 = 30 * 86_400;

    /// When a state written at `now` (with an optional lock) is forgotten.
    pub fn expiry(now_secs: UnixSecs, locked_until: Option<UnixSecs>) -> UnixSecs {
        locked_until.unwrap_or(now_secs).max(now_secs) + Self::RETENTION_SECONDS
    }

    pub fn locked_at(&self, now_secs: UnixSecs) -> Option<UnixSecs> {
        self.locked_until.filter(|until| now_secs < *until)
    }

    /// The state after reserving one more attempt (unchanged when refused). A
    /// lapsed lock starts a fresh count.
    pub fn reserve(&self, threshold: u32, now_secs: UnixSecs) -> (Self, Reservation) {
        if let Some(until) = self.locked_at(now_secs) {
            return (self.clone(), Reservation::Locked { until });
        }
        let counted = if self.locked_until.is_some() {
            0
        } else {
            self.failures
        };
        if counted >= threshold {
            return (self.clone(), Reservation::Exhausted);
        }
        let next = Self {
            failures: counted + 1,
            locked_until: None,
        };
        let number = next.failures;
        (next, Reservation::Granted { number })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_granted_up_to_the_threshold_then_exhausted() {
        let mut state = LoginAttempts::default();
        for expected in 1..=3 {
            let (next, answer) = state.reserve(3, UnixSecs(100));
            assert_eq!(answer, Reservation::Granted { number: expected });
            state = next;
        }
        assert_eq!(state.reserve(3, UnixSecs(100)).1, Reservation::Exhausted);
    }

    #[test]
    fn a_lock_refuses_until_it_lapses_then_the_count_starts_afresh() {
        let locked = LoginAttempts {
            failures: 3,
            locked_until: Some(UnixSecs(200)),
        };
        assert_eq!(
            locked.reserve(3, UnixSecs(199)).1,
            Reservation::Locked {
                until: UnixSecs(200)
            }
        );
        assert_eq!(
            locked.reserve(3, UnixSecs(200)).1,
            Reservation::Granted { number: 1 }
        );
    }
}
