//! When pending changes go out: pushes spaced by the sockets open and by
//! how fast changes come, and changed best windows held back in a crowd.

/// The shortest time between two pushes to the same sockets.
pub const PUSH_INTERVAL_MS: f64 = 50.0;

/// Each open socket stretches the time between pushes by this much (up
/// to [`MAX_PUSH_INTERVAL_MS`]) while changes come as fast as
/// [`BUSY_CHANGES_PER_SECOND`]: a push costs the object about the same
/// for each socket however many changes it carries, so a busy crowd gets
/// fewer, fuller pushes: 100 sockets one every 100 ms, 200 every 200 ms.
pub const PUSH_MS_PER_SOCKET: f64 = 1.0;

/// The longest time between two pushes while changes are pending.
pub const MAX_PUSH_INTERVAL_MS: f64 = 200.0;

/// How fast changes come (a second) when the object has no time to spare
/// for pushes: a crowd sending flat out, measured on the bench's machine
/// (`make bench`, the fair). Slower changes leave it idle most of the
/// time, so the time between pushes shrinks with them: a crowd painting at
/// a person's pace (200 sockets, about 40 changes a second) gets a push
/// every 50 ms, and sees a change sooner.
pub const BUSY_CHANGES_PER_SECOND: f64 = 250.0;

/// The shortest time between two pushes that carry new best windows
/// while changes keep coming. The best windows are most of a push's
/// bytes (every window names who can come), and in a crowd painting at
/// once they change with nearly every push; the heatmap and the counts
/// stay current with every push, the ranked windows at most this late.
/// When they were held back, a push of them alone follows (see
/// [`Pacer::best_owed`]), so the last word is always current.
pub const BEST_INTERVAL_MS: f64 = 1000.0;

/// From this many open sockets on, changed best windows are held back
/// for [`BEST_INTERVAL_MS`]; fewer sockets get them with every push.
pub const BEST_HOLD_SOCKETS: usize = 50;

/// The time between two pushes to `sockets` open sockets while changes
/// come at `rate` a second.
pub fn push_interval(sockets: usize, rate: f64) -> f64 {
    let crowd = (sockets as f64 * PUSH_MS_PER_SOCKET).clamp(PUSH_INTERVAL_MS, MAX_PUSH_INTERVAL_MS);
    (crowd * rate / BUSY_CHANGES_PER_SECOND).clamp(PUSH_INTERVAL_MS, crowd)
}

/// When pending changes go out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Due {
    /// Now: nothing was pushed for a while.
    Now,
    /// After this many milliseconds; a timer must be set.
    After(f64),
    /// A timer is already set and will take it along.
    Waiting,
}

/// Spaces pushes at least [`PUSH_INTERVAL_MS`] apart (more with many
/// sockets and changes coming fast, see [`push_interval`]).
/// Also spaces the pushes of changed best windows at least
/// [`BEST_INTERVAL_MS`] apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pacer {
    last_push: Option<f64>,
    timer: bool,
    interval: f64,
    /// When best windows last went out.
    last_best: Option<f64>,
    /// Whether changed best windows were held back and not sent since.
    best_owed: bool,
    /// Whether a timer will send the held-back best windows.
    best_timer: bool,
    /// The sockets the last push went to.
    sockets: usize,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            last_push: None,
            timer: false,
            interval: PUSH_INTERVAL_MS,
            last_best: None,
            best_owed: false,
            best_timer: false,
            sockets: 0,
        }
    }
}

impl Pacer {
    /// When changes pending at `now` (ms) go out; `After` means the caller
    /// now sets the timer. A timer that is late (the object was busy)
    /// does not hold a push back.
    pub fn due(&mut self, now: f64) -> Due {
        match self.last_push {
            Some(last) if now - last < self.interval => {
                if self.timer {
                    Due::Waiting
                } else {
                    self.timer = true;
                    Due::After(self.interval - (now - last))
                }
            }
            _ => Due::Now,
        }
    }

    /// A push of `changes` version steps went out at `now` to this many
    /// sockets. How fast changes come is read off the time since the last
    /// push (none for a while: slowly).
    pub fn pushed(&mut self, now: f64, sockets: usize, changes: i64) {
        let rate = match self.last_push {
            Some(last) if now > last => changes.max(0) as f64 * 1000.0 / (now - last),
            _ => 0.0,
        };
        self.last_push = Some(now);
        self.interval = push_interval(sockets, rate);
        self.sockets = sockets;
    }

    /// The timer fired.
    pub fn timer_fired(&mut self) {
        self.timer = false;
    }

    /// Whether a push at `now` whose best windows changed carries them
    /// (always, to fewer than [`BEST_HOLD_SOCKETS`]); when not, they are
    /// owed.
    pub fn send_best(&mut self, now: f64) -> bool {
        match self.last_best {
            Some(last) if now - last < BEST_INTERVAL_MS && self.sockets >= BEST_HOLD_SOCKETS => {
                self.best_owed = true;
                false
            }
            _ => {
                self.best_sent(now);
                true
            }
        }
    }

    /// Best windows went out at `now`.
    pub fn best_sent(&mut self, now: f64) {
        self.last_best = Some(now);
        self.best_owed = false;
    }

    /// The sockets have the current best windows: nothing is owed.
    pub fn best_current(&mut self) {
        self.best_owed = false;
    }

    /// When held-back best windows go out on their own: `Waiting` when
    /// none are owed or a timer is set; else after this many
    /// milliseconds, and the caller sets the timer.
    pub fn best_owed(&mut self, now: f64) -> Due {
        if !self.best_owed || self.best_timer {
            return Due::Waiting;
        }
        self.best_timer = true;
        let since = self.last_best.map_or(BEST_INTERVAL_MS, |last| now - last);
        Due::After((BEST_INTERVAL_MS - since).max(0.0))
    }

    /// The timer of the held-back best windows fired.
    pub fn best_timer_fired(&mut self) {
        self.best_timer = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_change_after_a_quiet_spell_goes_out_at_once() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.due(0.0), Due::Now);
        pacer.pushed(0.0, 10, 1);
        assert_eq!(pacer.due(10.0), Due::After(40.0));
        assert_eq!(pacer.due(20.0), Due::Waiting);
        // A busy object's late timer does not hold the next change back.
        assert_eq!(pacer.due(60.0), Due::Now);
        pacer.pushed(60.0, 10, 1);
        pacer.timer_fired();
        assert_eq!(pacer.due(70.0), Due::After(40.0));
        pacer.timer_fired();
        pacer.pushed(110.0, 10, 1);
        assert_eq!(pacer.due(300.0), Due::Now);
    }

    #[test]
    fn changed_best_windows_go_out_at_most_once_a_second_and_are_never_lost() {
        let mut pacer = Pacer::default();
        pacer.pushed(0.0, 10, 1);
        assert!(
            pacer.send_best(0.0) && pacer.send_best(10.0),
            "a few sockets: every push"
        );
        pacer.pushed(0.0, BEST_HOLD_SOCKETS, 1);
        let mut pacer = Pacer {
            last_best: None,
            ..pacer
        };
        assert_eq!(pacer.best_owed(0.0), Due::Waiting, "nothing owed yet");
        assert!(pacer.send_best(0.0), "the first change sends them");
        assert!(!pacer.send_best(100.0), "too soon: held back");
        assert!(!pacer.send_best(900.0));
        assert_eq!(pacer.best_owed(900.0), Due::After(100.0));
        assert_eq!(pacer.best_owed(950.0), Due::Waiting, "one timer");
        pacer.best_timer_fired();
        pacer.best_sent(1000.0);
        assert_eq!(pacer.best_owed(1000.0), Due::Waiting, "paid");
        assert!(
            pacer.send_best(2000.0),
            "a second later they go with the push"
        );
        assert_eq!(pacer.best_owed(2000.0), Due::Waiting);
        assert!(!pacer.send_best(2500.0));
        pacer.best_current();
        assert_eq!(
            pacer.best_owed(2600.0),
            Due::Waiting,
            "changed back: none owed"
        );
    }

    #[test]
    fn a_busy_crowd_of_sockets_gets_fewer_fuller_pushes() {
        let busy = BUSY_CHANGES_PER_SECOND;
        assert_eq!(push_interval(0, busy), PUSH_INTERVAL_MS);
        assert_eq!(push_interval(50, busy), PUSH_INTERVAL_MS);
        assert_eq!(push_interval(100, busy), 100.0);
        assert_eq!(push_interval(200, busy), 200.0);
        assert_eq!(push_interval(200, 10.0 * busy), 200.0);
        assert_eq!(push_interval(10_000, busy), MAX_PUSH_INTERVAL_MS);
        // Half as busy: half the wait; a person's pace: the shortest.
        assert_eq!(push_interval(200, busy / 2.0), 100.0);
        assert_eq!(push_interval(200, 40.0), PUSH_INTERVAL_MS);
        assert_eq!(push_interval(200, 0.0), PUSH_INTERVAL_MS);
        let mut pacer = Pacer::default();
        // The first change after a quiet spell: nothing says it is busy.
        pacer.pushed(0.0, 200, 1);
        assert_eq!(pacer.due(10.0), Due::After(40.0));
        pacer.timer_fired();
        // 13 changes in 50 ms: 260 a second.
        pacer.pushed(50.0, 200, 13);
        assert_eq!(pacer.due(100.0), Due::After(150.0));
        pacer.timer_fired();
        // 2 in 200 ms: 10 a second.
        pacer.pushed(250.0, 200, 2);
        assert_eq!(pacer.due(260.0), Due::After(40.0));
    }
}
