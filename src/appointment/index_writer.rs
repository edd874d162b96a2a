//! The appointment's entry in the D1 index, written by the shell: in the
//! background after a change of its people or settings, by the alarm at
//! most once a minute for availability updates, and by the alarm again
//! whenever a write failed. No request waits on D1.

use std::future::Future;

use wasm_bindgen::JsCast;
use worker::worker_sys::DurableObjectState;
use worker::{D1Database, State};

use super::Appointment;
use crate::clock::to_datetime;

impl Appointment {
    /// The D1 database of the index (a test names a missing one to see
    /// the service work while the index fails).
    pub(super) fn index_db(&self) -> worker::Result<D1Database> {
        self.env.d1(&self.core.settings().index_db)
    }

    /// When a failed index write is tried again.
    pub(super) fn index_retry_at(&self, now: i64) -> i64 {
        now + self.core.settings().index_every_ms
    }

    /// Makes sure an alarm comes soon to write the update count to the
    /// index: at most one D1 write a minute per appointment. A failure to
    /// set it is logged with `request_id`, never answered: the change it
    /// follows is stored, and the next change tries again.
    pub(super) async fn schedule_index_write(&self, now: i64, request_id: &str) {
        if self.index_write_scheduled.get() {
            return;
        }
        match self.alarm_by(self.index_retry_at(now)).await {
            Ok(()) => self.index_write_scheduled.set(true),
            Err(e) => worker::console_error!(
                "request {request_id}: setting the index alarm of appointment object failed: {e}"
            ),
        }
    }

    /// Writes the index entry in the background: the answer does not
    /// wait on D1. A failure is logged with `request_id` and retried by
    /// the alarm.
    pub(super) fn write_index_soon(&self, now: i64, request_id: &str) {
        let raw: &wasm_bindgen::JsValue = self.state.as_raw().as_ref();
        let state = State::from(raw.clone().unchecked_into::<DurableObjectState>());
        let write = self.index_write(now);
        let retry_at = self.index_retry_at(now);
        let request_id = request_id.to_string();
        self.state.wait_until(async move {
            if write.await {
                return;
            }
            worker::console_error!("request {request_id}: the index write is retried by the alarm");
            let storage = state.storage();
            let due = storage.get_alarm().await;
            if due.is_ok_and(|at| at.is_none_or(|at| at > retry_at)) {
                if let Err(e) = storage.set_alarm(to_datetime(retry_at)).await {
                    worker::console_error!(
                        "request {request_id}: setting the index alarm failed: {e}"
                    );
                }
            }
        });
    }

    /// The write that brings the index entry up to date, counting the
    /// updates since the last one, as a future that owns what it needs
    /// (so it may run after the answer): whether it succeeded. A failure
    /// is logged.
    pub(super) fn index_write(&self, now: i64) -> impl Future<Output = bool> + 'static {
        let core = self.core.clone();
        let prepared = self
            .core
            .index_entry()
            .map(|entry| entry.map(|e| (e, self.index_db())));
        async move {
            let (e, db) = match prepared {
                Ok(Some((entry, Ok(db)))) => (entry, db),
                Ok(None) => return true,
                Ok(Some((_, Err(err)))) => {
                    worker::console_error!("index write: no index database: {err}");
                    return false;
                }
                Err(err) => {
                    worker::console_error!("index write: {err}");
                    return false;
                }
            };
            let record = crate::index::Entry {
                id: &e.id,
                title: &e.title,
                timezone: &e.timezone,
                created_at: e.created_at,
                expires_at: e.expires_at,
                participants: e.participants,
                last_change_at: e.last_change_at,
            };
            match crate::index::record(&db, &record, now, e.unflushed).await {
                // Updates made while D1 answered stay counted for next time.
                Ok(()) => {
                    if let Err(err) = core.counted(e.unflushed) {
                        worker::console_error!("index write of {}: marking failed: {err}", e.id);
                    }
                    true
                }
                Err(err) => {
                    worker::console_error!("index write of {} failed: {err}", e.id);
                    false
                }
            }
        }
    }
}
