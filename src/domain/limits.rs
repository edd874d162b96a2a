//! How much one appointment and one client may take: the participant cap,
//! and the sliding-window arithmetic behind every "too many attempts"
//! (creations per client address, wrong passwords per participant).

use super::DomainError;

/// The most participants one appointment takes.
pub const MAX_PARTICIPANTS: usize = 1_000;

/// How many of a participant's most recently issued tokens stay valid.
pub const TOKENS_KEPT: usize = 20;

/// Whether one more participant may join an appointment that has `count`
/// and is `closed` or not.
pub fn admit_participant(count: usize, closed: bool) -> Result<(), DomainError> {
    if closed {
        return Err(DomainError::AppointmentClosed);
    }
    if count >= MAX_PARTICIPANTS {
        return Err(DomainError::AppointmentFull(MAX_PARTICIPANTS));
    }
    Ok(())
}

/// At most `limit` uses in any `window_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlidingWindow {
    /// Uses allowed within one window (at least 1).
    pub limit: usize,
    /// The window's length in milliseconds (at least 1).
    pub window_ms: i64,
}

impl SlidingWindow {
    /// A window of `limit` uses per `window_ms`; both at least 1.
    pub fn new(limit: i64, window_ms: i64) -> SlidingWindow {
        SlidingWindow {
            limit: limit.max(1) as usize,
            window_ms: window_ms.max(1),
        }
    }

    /// Uses at or before this instant have left the window at `now`.
    pub fn forget_before(&self, now: i64) -> i64 {
        now - self.window_ms
    }

    /// Whether one more use fits at `now`, given the `uses` still in the
    /// window and when the `oldest` of them was; `TooManyAttempts` says
    /// how long until the oldest leaves the window.
    pub fn check(&self, uses: usize, oldest: Option<i64>, now: i64) -> Result<(), DomainError> {
        if uses < self.limit {
            return Ok(());
        }
        let free_at = oldest.unwrap_or(now) + self.window_ms;
        let wait_ms = (free_at - now).max(0) as u64;
        let seconds = wait_ms.div_ceil(1000).clamp(1, u64::from(u32::MAX));
        Err(DomainError::TooManyAttempts {
            retry_after: seconds as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thousandth_participant_fits_and_the_next_does_not() {
        assert_eq!(admit_participant(999, false), Ok(()));
        assert_eq!(
            admit_participant(1_000, false),
            Err(DomainError::AppointmentFull(1_000))
        );
    }

    #[test]
    fn a_closed_appointment_admits_nobody_new() {
        assert_eq!(
            admit_participant(0, true),
            Err(DomainError::AppointmentClosed)
        );
    }

    #[test]
    fn uses_below_the_limit_pass() {
        let w = SlidingWindow::new(3, 60_000);
        assert_eq!(w.check(0, None, 1_000), Ok(()));
        assert_eq!(w.check(2, Some(0), 1_000), Ok(()));
    }

    #[test]
    fn at_the_limit_the_wait_is_until_the_oldest_use_leaves_rounded_up() {
        let w = SlidingWindow::new(3, 60_000);
        assert_eq!(
            w.check(3, Some(10_000), 20_500),
            Err(DomainError::TooManyAttempts { retry_after: 50 })
        );
        // Never "try again in 0 seconds".
        assert_eq!(
            w.check(3, Some(0), 60_000),
            Err(DomainError::TooManyAttempts { retry_after: 1 })
        );
    }

    #[test]
    fn limits_and_windows_are_at_least_one() {
        let w = SlidingWindow::new(0, -5);
        assert_eq!((w.limit, w.window_ms), (1, 1));
        assert_eq!(w.forget_before(100), 99);
    }
}
