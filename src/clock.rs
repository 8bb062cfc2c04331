//! Where a [`Session`](crate::Session) gets the time from: [`SystemClock`] by default, a
//! [`ManualClock`] in tests so a token can be moved past its expiry without sleeping.
//!
//! The clock is the *local* clock. Token freshness is judged on Keystone's clock: when a token
//! arrives, the session records `offset = keystone_now − clock.now()` (Keystone's time from the `Date`
//! header of the token answer, else the token's `issued_at`) and from then on compares
//! `clock.now() + offset` with the token's `expires_at`.

use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// A source of the current time (UTC) for a [`Session`](crate::Session).
///
/// Implementations must be cheap: `now` is called on every request.
///
/// ```
/// use stackclient::{Clock, ManualClock, SystemClock};
/// let manual = ManualClock::new(chrono::Utc::now());
/// let before = manual.now();
/// manual.advance(std::time::Duration::from_secs(3600));
/// assert_eq!((manual.now() - before).num_seconds(), 3600);
/// assert!(SystemClock.now() > before - chrono::Duration::seconds(5));
/// ```
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current time, UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock (`chrono::Utc::now()`): the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; clones share the same time.
///
/// Give a clone to [`Session::with_clock`](crate::Session::with_clock) and keep one to
/// [`advance`](ManualClock::advance) time in a test.
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock forward by `by` (saturating at chrono's maximum time).
    pub fn advance(&self, by: std::time::Duration) {
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        let mut g = match self.now.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *g = g.checked_add_signed(by).unwrap_or(DateTime::<Utc>::MAX_UTC);
    }

    /// Sets the clock to `to` (backwards too).
    pub fn set(&self, to: DateTime<Utc>) {
        match self.now.lock() {
            Ok(mut g) => *g = to,
            Err(poisoned) => *poisoned.into_inner() = to,
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.now.lock() {
            Ok(g) => *g,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}
