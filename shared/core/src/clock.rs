//! Points in time as types: [`UnixSecs`] for expiries and windows (what
//! DynamoDB's TTL and JWTs count in), [`UnixMillis`] for what clients see
//! (`created_at` and the like). Durations stay plain seconds (`*_seconds`).

use std::ops::{Add, Sub};
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Seconds since the Unix epoch, UTC.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UnixSecs(pub i64);

/// Milliseconds since the Unix epoch, UTC.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UnixMillis(pub i64);

impl UnixSecs {
    pub fn to_millis(self) -> UnixMillis {
        UnixMillis(self.0 * 1000)
    }
}

impl UnixMillis {
    /// The second this millisecond falls in.
    pub fn to_secs(self) -> UnixSecs {
        UnixSecs(self.0.div_euclid(1000))
    }
}

/// A point plus a number of seconds.
impl Add<i64> for UnixSecs {
    type Output = UnixSecs;
    fn add(self, seconds: i64) -> UnixSecs {
        UnixSecs(self.0 + seconds)
    }
}

/// The seconds between two points.
impl Sub for UnixSecs {
    type Output = i64;
    fn sub(self, earlier: UnixSecs) -> i64 {
        self.0 - earlier.0
    }
}

/// A point minus a number of seconds.
impl Sub<i64> for UnixSecs {
    type Output = UnixSecs;
    fn sub(self, seconds: i64) -> UnixSecs {
        UnixSecs(self.0 - seconds)
    }
}

impl From<i64> for UnixSecs {
    fn from(secs: i64) -> Self {
        UnixSecs(secs)
    }
}

impl From<UnixSecs> for i64 {
    fn from(t: UnixSecs) -> i64 {
        t.0
    }
}

impl From<i64> for UnixMillis {
    fn from(ms: i64) -> Self {
        UnixMillis(ms)
    }
}

impl From<UnixMillis> for i64 {
    fn from(t: UnixMillis) -> i64 {
        t.0
    }
}

/// The number itself, as keys, signatures and URLs spell it.
impl std::fmt::Display for UnixSecs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

pub trait Clock: Send + Sync {
    fn now_ms(&self) -> UnixMillis;

    fn now_secs(&self) -> UnixSecs {
        self.now_ms().to_secs()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> UnixMillis {
        UnixMillis((OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64)
    }
}

/// A clock that only moves when told to: lets tests cross expiry boundaries without sleeping.
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn starting_now() -> Self {
        Self(AtomicI64::new(SystemClock.now_ms().0))
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> UnixMillis {
        UnixMillis(self.0.load(Ordering::SeqCst))
    }
}

/// RFC 3339 rendering of a millisecond timestamp.
pub fn rfc3339(ms: UnixMillis) -> String {
    date_time(ms)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The instant a millisecond timestamp names (the epoch if out of range).
fn date_time(ms: UnixMillis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms.0 as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub mod serde_rfc3339 {
    use serde::ser::Error as _;
    use serde::Serializer;

    use super::UnixMillis;

    /// Formats on the stack: a listing writes two timestamps per item.
    pub fn serialize<S: Serializer>(ms: &UnixMillis, s: S) -> Result<S::Ok, S::Error> {
        let t = super::date_time(*ms);
        let mut buf = [0u8; 64];
        let mut out = std::io::Cursor::new(&mut buf[..]);
        let rfc3339 = &time::format_description::well_known::Rfc3339;
        t.format_into(&mut out, rfc3339).map_err(S::Error::custom)?;
        let written = out.position() as usize;
        let text = std::str::from_utf8(&buf[..written]).map_err(S::Error::custom)?;
        s.serialize_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serialized_timestamp_reads_as_rfc3339_does() {
        #[derive(serde::Serialize)]
        struct At(#[serde(with = "serde_rfc3339")] UnixMillis);
        for ms in [0, 1_765_160_700_123, 1_765_160_700_000, -1] {
            let json = serde_json::to_string(&At(UnixMillis(ms))).unwrap();
            assert_eq!(json, format!("\"{}\"", rfc3339(UnixMillis(ms))), "{ms}");
        }
    }

    #[test]
    fn a_millisecond_before_the_epoch_falls_in_the_second_before() {
        assert_eq!(UnixMillis(-1).to_secs(), UnixSecs(-1));
        assert_eq!(UnixMillis(1999).to_secs(), UnixSecs(1));
    }

    #[test]
    fn points_and_durations_add_up() {
        let t = UnixSecs(100);
        assert_eq!(t + 20 - t, 20);
        assert_eq!((t - 30).to_millis(), UnixMillis(70_000));
    }
}
