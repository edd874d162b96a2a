//! Painting: an availability update, sent over HTTP or a live socket.

use super::{Core, Effects, IndexWrite};
use crate::appointment::store::{self, AppointmentRow, ParticipantRow, Sql, Step};
use crate::domain::live::Change;
use crate::domain::requests::{self, UpdateRequest};
use crate::domain::view::{self, ParticipantView, Updated};
use crate::domain::{authorize, Action, Availability, Caller, DomainError, Update};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Reply};
use crate::secrets;

impl<S: Sql> Core<S> {
    /// `PATCH …/availability`.
    pub(super) fn update_availability(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token: Option<&str>,
        body: &[u8],
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        let hash = token.map(secrets::token_hash);
        let (updated, rows_written) = self.paint(row, pid, hash.as_deref(), body, now, fx)?;
        Answer::json(Reply::Updated { rows_written }, &updated)
    }

    /// An availability update by the holder of the token with hash
    /// `token_hash`: the answer, and the rows written. Once stored it
    /// answers its success, whatever follows.
    pub(super) fn paint(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token_hash: Option<&[u8]>,
        body: &[u8],
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<(Updated, usize)> {
        let current = self.painter(row, pid, token_hash)?;
        let layout = self.layout(row)?;
        let request: UpdateRequest = requests::decode(body)?;
        // Ranges painted on another grid name other times: refused before
        // they are read against this one.
        if request
            .layout
            .as_ref()
            .is_some_and(|l| *l != view::layout(&layout.schedule))
        {
            return Err(DomainError::ScheduleChanged.into());
        }
        let update = Update::new(request, layout.grid.len())?;
        row.tools.check_open(now)?;
        let mut availability = Availability::from_bytes(&current.availability, layout.grid.len());
        let changed = availability.apply(&update);
        let participant = ParticipantView::new(
            &current.id,
            &current.name,
            current.password_hash.is_some(),
            &availability,
        );
        let (mut version, mut rows_written) = (row.version, 0);
        if changed {
            let expires_at = self.expires_at(&layout.schedule, now);
            (version, rows_written) =
                self.store_availability(pid, &availability, now, expires_at)?;
            self.announce(version, Change::Participant(participant.clone()), fx);
            fx.index = Some(IndexWrite::Counted);
        }
        Ok((
            Updated {
                participant,
                version,
            },
            rows_written,
        ))
    }

    /// The participant `pid`, if the token may paint for them. The hot
    /// path: one statement reads the participant and whom the token
    /// belongs to.
    fn painter(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token_hash: Option<&[u8]>,
    ) -> ApiResult<ParticipantRow> {
        let (current, owner) = store::participant_and_token_owner(&self.sql, pid, token_hash)?
            .ok_or(ApiError::NotFound)?;
        let caller = match token_hash {
            Some(h) if secrets::same_secret(h, &row.admin_hash) => Caller::Admin,
            _ => owner.map_or(Caller::Anonymous, Caller::Participant),
        };
        authorize(&caller, Action::Paint { participant: pid })?;
        Ok(current)
    }

    /// Writes new levels and the version step in one transaction: the new
    /// version and the rows written.
    fn store_availability(
        &self,
        pid: &str,
        availability: &Availability,
        now: i64,
        expires_at: i64,
    ) -> ApiResult<(i64, usize)> {
        let (pid, bytes) = (pid.to_string(), availability.as_bytes().to_vec());
        self.sql.transaction(move |sql| {
            let bumped = store::bump_version(sql, now, expires_at, Step::Update)?;
            let set = store::set_availability(sql, &pid, &bytes, bumped.version)?;
            Ok::<_, ApiError>((bumped.version, set + bumped.rows_written))
        })
    }
}
