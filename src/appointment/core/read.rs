//! Reading the appointment: the view (kept per version and query, cut
//! per reader when private), the page's summary, the QR code and the
//! calendar file.

use std::rc::Rc;

use super::view_cache::{CachedView, GZIP_MIN_BYTES};
use super::{internal, log_error, Core};
use crate::appointment::store::{self, AppointmentRow, Sql};
use crate::clock::to_datetime;
use crate::domain::view::{self, ParticipantView, View, ViewParts};
use crate::domain::{Availability, Caller, DomainError, FinalTime};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Reply, Summary};
use crate::render;

/// What a read of the view asks for.
pub(super) struct ViewQuery<'a> {
    /// The raw `min_slots` query value.
    pub min_slots: Option<&'a str>,
    /// The client's `If-None-Match`.
    pub if_none_match: Option<&'a str>,
    /// A `HEAD`: GET's reply without the body.
    pub head: bool,
    /// Whether the client takes a gzipped body.
    pub gzip: bool,
}

impl<S: Sql> Core<S> {
    /// The view of `row` with these participants.
    pub(super) fn view_of(
        &self,
        row: &AppointmentRow,
        participants: &[(ParticipantView, Availability)],
        min_slots: usize,
        now: i64,
    ) -> ApiResult<View> {
        let layout = self.layout(row)?;
        let name_keys = match row.tools.expected.is_empty() {
            true => Default::default(),
            false => store::name_keys(&self.sql)?,
        };
        Ok(View::new(&ViewParts {
            id: &row.id,
            title: &row.title,
            schedule: &layout.schedule,
            grid: &layout.grid,
            participants,
            final_range: row.final_range,
            closed: row.closed,
            version: row.version,
            expires_at: to_datetime(row.expires_at),
            min_slots,
            tools: &row.tools,
            name_keys: &name_keys,
            now,
        }))
    }

    /// The view of `row` with everyone who joined.
    pub(super) fn full_view(
        &self,
        row: &AppointmentRow,
        min_slots: usize,
        now: i64,
    ) -> ApiResult<View> {
        let layout = self.layout(row)?;
        let participants: Vec<_> = store::participants(&self.sql)?
            .iter()
            .map(|p| self.participant(p, &layout.grid))
            .collect();
        self.view_of(row, &participants, min_slots, now)
    }

    pub(super) fn summary(&self, row: &AppointmentRow) -> ApiResult<Answer> {
        Answer::ok(&Summary {
            title: row.title.clone(),
            schedule: self.layout(row)?.schedule.fields(),
            etag: view::etag(&row.id, row.version, 0),
        })
    }

    pub(super) async fn view(
        &self,
        row: &AppointmentRow,
        query: &ViewQuery<'_>,
        token: Option<&str>,
        now: i64,
    ) -> ApiResult<Answer> {
        let min_slots = crate::domain::requests::min_slots(query.min_slots)?;
        // Who reads matters only when the answers are private.
        let caller = match row.tools.private {
            true => self.caller(row, token)?,
            false => Caller::Anonymous,
        };
        let etag = view::etag_for(&row.id, row.version, min_slots, row.tools.private, &caller);
        if query
            .if_none_match
            .is_some_and(|tags| view::etag_matches(tags, &etag))
        {
            return Ok(Answer::bare(Reply::View {
                etag,
                current: true,
                gzip: false,
                length: 0,
            }));
        }
        // HEAD builds the view too (once per version, kept for the GET
        // that follows), so that its reply is exactly GET's.
        let cached = self.cached_view(row, min_slots, etag.clone(), &caller, now)?;
        let packed = match query.gzip && cached.json.len() >= GZIP_MIN_BYTES {
            true => match cached.gzipped().await {
                Ok(packed) => Some(packed),
                // The plain view is as good an answer, only larger.
                Err(e) => {
                    log_error(&format!("view {}: {e}", row.id));
                    None
                }
            },
            false => None,
        };
        let bytes = packed.as_deref().unwrap_or(&cached.json);
        let reply = Reply::View {
            etag,
            current: false,
            gzip: packed.is_some(),
            length: bytes.len(),
        };
        // A HEAD is told GET's length, without the body.
        let body = if query.head {
            Vec::new()
        } else {
            bytes.to_vec()
        };
        Ok(Answer { reply, body })
    }

    /// The view's JSON, built once per version and query: a second read of
    /// an unchanged appointment only copies it.
    fn cached_view(
        &self,
        row: &AppointmentRow,
        min_slots: usize,
        etag: String,
        caller: &Caller,
        now: i64,
    ) -> ApiResult<Rc<CachedView>> {
        if let Some(cached) = self.last_view.borrow().as_ref() {
            if cached.etag == etag {
                return Ok(cached.clone());
            }
        }
        if !row.tools.private {
            *self.last_private.borrow_mut() = None;
        }
        let view = match view::sees_everyone(row.tools.private, caller) {
            true => self.full_view(row, min_slots, now)?,
            false => self.private_view(row, min_slots, now)?.1.redacted(caller),
        };
        let json = serde_json::to_vec(&view).map_err(internal)?;
        let cached = Rc::new(CachedView::new(etag, json));
        *self.last_view.borrow_mut() = Some(cached.clone());
        Ok(cached)
    }

    /// The whole view of a private appointment, built once per version
    /// and query for all its readers.
    fn private_view(
        &self,
        row: &AppointmentRow,
        min_slots: usize,
        now: i64,
    ) -> ApiResult<Rc<(String, View)>> {
        let key = view::etag(&row.id, row.version, min_slots);
        if let Some(kept) = self.last_private.borrow().as_ref() {
            if kept.0 == key {
                return Ok(kept.clone());
            }
        }
        let kept = Rc::new((key, self.full_view(row, min_slots, now)?));
        *self.last_private.borrow_mut() = Some(kept.clone());
        Ok(kept)
    }

    pub(super) fn qr(&self, row: &AppointmentRow, origin: &str) -> ApiResult<Answer> {
        let svg = render::qr_svg(&format!("{origin}/a/{}", row.id)).map_err(internal)?;
        Ok(Answer {
            reply: Reply::Qr,
            body: svg.into_bytes(),
        })
    }

    pub(super) fn calendar(
        &self,
        row: &AppointmentRow,
        origin: &str,
        now: i64,
    ) -> ApiResult<Answer> {
        let (start, end) = row.final_range.ok_or(DomainError::NotFinalised)?;
        let layout = self.layout(row)?;
        let when = FinalTime::new(start, end, &layout.grid)
            .ok()
            .and_then(|f| f.when(&layout.grid))
            .ok_or_else(|| ApiError::Internal("stored final time is off the grid".into()))?;
        let event = render::Event {
            id: &row.id,
            title: &row.title,
            url: &format!("{origin}/a/{}", row.id),
            zone: layout.schedule.zone(),
            when,
            now: to_datetime(now),
        };
        Ok(Answer {
            reply: Reply::Calendar {
                title: row.title.clone(),
            },
            body: render::ics(&event).into_bytes(),
        })
    }
}
