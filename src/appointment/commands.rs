//! What the appointment object does for each command: find who calls, let
//! the domain decide, apply the change in one transaction, answer, and tell
//! the live connections.

use std::rc::Rc;

use super::store::{self, AppointmentRow, ParticipantRow, Sql, Step};
use super::view_cache::{CachedView, GZIP_MIN_BYTES};
use super::{Appointment, Layout};
use crate::clock::to_datetime;
use crate::domain::edit::{Edit, Edited};
use crate::domain::limits::{admit_participant, TOKENS_KEPT};
use crate::domain::live::Change;
use crate::domain::requests::{self, EditRequest, JoinRequest, NewAppointment, UpdateRequest};
use crate::domain::view::{self, Created, Joined, ParticipantView, Updated, View, ViewParts};
use crate::domain::{
    authorize, Action, Availability, Caller, DomainError, FinalTime, Password, Remap, Update,
};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Call, Reply, Summary};
use crate::{render, secrets};

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

impl Appointment {
    pub(super) async fn create(&self, call: &Call, body: &[u8]) -> ApiResult<Answer> {
        let now = crate::clock::now_ms();
        let request: NewAppointment = requests::decode(body)?;
        let (title, schedule) = request.parse(to_datetime(now))?;
        // Tables are made only for a valid creation: probes write nothing.
        self.ensure_schema()?;
        let sql = self.sql();
        if store::load_appointment(&sql)?.is_some() {
            return Err(ApiError::IdTaken);
        }
        let (admin_token, admin_hash) = secrets::new_token().map_err(internal)?;
        let row = AppointmentRow {
            id: call.appointment.clone(),
            title: title.as_str().to_string(),
            schedule: schedule.to_value().to_string(),
            admin_hash,
            version: 1,
            final_range: None,
            closed: false,
            created_at: now,
            changed_at: now,
            expires_at: self.expires_at(&schedule, now),
            unflushed_updates: 0,
            pushed_version: 1,
            tools: Default::default(),
            deadline_told: false,
        };
        store::insert_appointment(&sql, &row)?;
        *self.live.borrow_mut() = super::live::Live::caught_up(row.version);
        self.state
            .storage()
            .set_alarm(to_datetime(row.expires_at))
            .await?;
        self.write_index_soon(now, &call.request_id);

        let created = Created {
            id: row.id.clone(),
            url: format!("{}/a/{}", call.origin, row.id),
            admin_token,
            appointment: self.view_of(&row, &[], 0)?,
        };
        let location = Some(format!("/api/appointments/{}", row.id));
        Answer::json(Reply::Created { location }, &created)
    }

    /// The view of `row` with these participants.
    fn view_of(
        &self,
        row: &AppointmentRow,
        participants: &[(ParticipantView, Availability)],
        min_slots: usize,
    ) -> ApiResult<View> {
        let layout = self.layout(row)?;
        let name_keys = match row.tools.expected.is_empty() {
            true => Default::default(),
            false => store::name_keys(&self.sql())?,
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
            now: crate::clock::now_ms(),
        }))
    }

    /// The view of `row` with everyone who joined.
    pub(super) fn full_view(&self, row: &AppointmentRow, min_slots: usize) -> ApiResult<View> {
        let layout = self.layout(row)?;
        let participants: Vec<_> = store::participants(&self.sql())?
            .iter()
            .map(|p| self.participant(p, &layout.grid))
            .collect();
        self.view_of(row, &participants, min_slots)
    }

    pub(super) fn summary(&self, row: &AppointmentRow) -> ApiResult<Answer> {
        Answer::ok(&Summary {
            title: row.title.clone(),
            schedule: self.layout(row)?.schedule.fields(),
            etag: view::etag(&row.id, row.version, 0),
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn view(
        &self,
        row: &AppointmentRow,
        min_slots: Option<&str>,
        if_none_match: Option<&str>,
        head: bool,
        gzip: bool,
        token: Option<&str>,
    ) -> ApiResult<Answer> {
        let min_slots = requests::min_slots(min_slots)?;
        // Who reads matters only when the answers are private.
        let caller = match row.tools.private {
            true => self.caller(row, token)?,
            false => Caller::Anonymous,
        };
        let etag = view::etag_for(&row.id, row.version, min_slots, row.tools.private, &caller);
        if if_none_match.is_some_and(|tags| view::etag_matches(tags, &etag)) {
            return Ok(Answer::bare(Reply::View {
                etag,
                current: true,
                gzip: false,
                length: 0,
            }));
        }
        // HEAD builds the view too (once per version, kept for the GET
        // that follows), so that its reply is exactly GET's.
        let cached = self.cached_view(row, min_slots, etag.clone(), &caller)?;
        let packed = match gzip && cached.json.len() >= GZIP_MIN_BYTES {
            true => match cached.gzipped().await {
                Ok(packed) => Some(packed),
                // The plain view is as good an answer, only larger.
                Err(e) => {
                    worker::console_error!("view {}: {e}", row.id);
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
        let body = if head { Vec::new() } else { bytes.to_vec() };
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
            true => self.full_view(row, min_slots)?,
            false => self.private_view(row, min_slots)?.1.redacted(caller),
        };
        let json = serde_json::to_vec(&view).map_err(internal)?;
        let cached = Rc::new(CachedView::new(etag, json));
        *self.last_view.borrow_mut() = Some(cached.clone());
        Ok(cached)
    }

    pub(super) async fn join(
        &self,
        row: &AppointmentRow,
        call: &Call,
        body: &[u8],
        now: i64,
    ) -> ApiResult<Answer> {
        let client = call.client.as_str();
        let request: JoinRequest = requests::decode(body)?;
        let name = request.name()?;
        let key = name.key();
        let sql = self.sql();
        let layout = self.layout(row)?;

        if let Some(existing) = store::participant_by_name(&sql, &key, name.as_str())? {
            // A private appointment's answers are read with a token; a name
            // anyone can type must not be one.
            if row.tools.private && existing.password_hash.is_none() {
                return Err(DomainError::NamePrivate.into());
            }
            return self
                .sign_in(row, existing, request.password.as_deref(), client, now)
                .await;
        }
        let password = request
            .password
            .as_deref()
            .map(Password::parse)
            .transpose()?;
        row.tools.check_open(now)?;
        admit_participant(store::participant_count(&sql)?, row.closed)?;
        // A flood from one address stops here; a rejected join used none.
        let joins = self.join_window();
        let since = joins.forget_before(now);
        let (recent, oldest) = store::joins(&sql, client, since)?;
        joins.check(recent, oldest, now)?;
        let password_hash = match &password {
            Some(p) => Some(secrets::hash_password(p.as_str()).await.map_err(internal)?),
            None => None,
        };
        let (token, token_hash) = secrets::new_token().map_err(internal)?;
        let empty = Availability::empty(layout.grid.len());
        let new = ParticipantRow {
            id: secrets::new_participant_id().map_err(internal)?,
            name: name.as_str().to_string(),
            password_hash,
            availability: empty.as_bytes().to_vec(),
        };
        let expires_at = self.expires_at(&layout.schedule, now);
        let (new2, client2) = (new.clone(), client.to_string());
        let version = sql.transaction(move |sql| -> ApiResult<i64> {
            // Hashing the password awaited; someone may have taken the name since.
            if store::participant_by_name(sql, &key, &new2.name)?.is_some() {
                return Err(DomainError::NameTaken.into());
            }
            let version = store::bump_version(sql, now, expires_at, Step::People)?.version;
            store::insert_participant(sql, &new2, &key, version)?;
            store::insert_token(sql, &token_hash, &new2.id, TOKENS_KEPT)?;
            store::record_join(sql, &client2, now, since)?;
            Ok(version)
        })?;
        let (participant, _) = self.participant(&new, &layout.grid);
        self.announce(version, Change::Participant(participant.clone()));
        self.write_index_soon(now, &call.request_id);
        Answer::json(
            Reply::Created { location: None },
            &Joined { participant, token },
        )
    }

    async fn sign_in(
        &self,
        row: &AppointmentRow,
        existing: ParticipantRow,
        password: Option<&str>,
        client: &str,
        now: i64,
    ) -> ApiResult<Answer> {
        let sql = self.sql();
        if let Some(stored) = &existing.password_hash {
            let password = password.ok_or(DomainError::PasswordRequired)?;
            // Too many wrong guesses lock the name for a while from that
            // address, right password or not, so guessing stays hopeless
            // while the owner elsewhere still gets in.
            let window = self.sign_in_window();
            let since = window.forget_before(now);
            let (failures, oldest) = store::wrong_passwords(&sql, &existing.id, client, since)?;
            window.check(failures, oldest, now)?;
            if !secrets::verify_password(password, stored)
                .await
                .map_err(internal)?
            {
                store::record_wrong_password(&sql, &existing.id, client, now, since)?;
                return Err(DomainError::WrongPassword.into());
            }
        }
        // The participant may have been removed while the password was checked.
        let current = store::participant(&sql, &existing.id)?.ok_or(ApiError::NotFound)?;
        let (token, token_hash) = secrets::new_token().map_err(internal)?;
        store::insert_token(&sql, &token_hash, &current.id, TOKENS_KEPT)?;
        let layout = self.layout(row)?;
        let (participant, _) = self.participant(&current, &layout.grid);
        Answer::ok(&Joined { participant, token })
    }

    /// `PATCH …/availability`.
    pub(super) async fn update_availability(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token: Option<&str>,
        body: &[u8],
        now: i64,
        request_id: &str,
    ) -> ApiResult<Answer> {
        let hash = token.map(secrets::token_hash);
        let (updated, rows_written) = self
            .paint(row, pid, hash.as_deref(), body, now, request_id)
            .await?;
        Answer::json(Reply::Updated { rows_written }, &updated)
    }

    /// An availability update, sent over HTTP or a live socket by the
    /// holder of the token with hash `token_hash`: the answer, and the
    /// rows written. Once stored it answers its success, whatever follows
    /// (the index alarm only logs a failure, with `request_id`).
    pub(super) async fn paint(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token_hash: Option<&[u8]>,
        body: &[u8],
        now: i64,
        request_id: &str,
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
            // Told before the next await, so pushes go out in version order.
            self.announce(version, Change::Participant(participant.clone()));
            self.schedule_index_write(now, request_id).await;
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
        let sql = self.sql();
        let (current, owner) =
            store::participant_and_token_owner(&sql, pid, token_hash)?.ok_or(ApiError::NotFound)?;
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
        self.sql().transaction(move |sql| {
            let bumped = store::bump_version(sql, now, expires_at, Step::Update)?;
            let set = store::set_availability(sql, &pid, &bytes, bumped.version)?;
            Ok::<_, ApiError>((bumped.version, set + bumped.rows_written))
        })
    }

    pub(super) async fn leave(
        &self,
        row: &AppointmentRow,
        pid: &str,
        token: Option<&str>,
        now: i64,
        request_id: &str,
    ) -> ApiResult<Answer> {
        let sql = self.sql();
        store::participant(&sql, pid)?.ok_or(ApiError::NotFound)?;
        authorize(
            &self.caller(row, token)?,
            Action::Remove { participant: pid },
        )?;
        let layout = self.layout(row)?;
        let expires_at = self.expires_at(&layout.schedule, now);
        let pid2 = pid.to_string();
        let version = sql.transaction(move |sql| {
            let version = store::bump_version(sql, now, expires_at, Step::People)?.version;
            store::delete_participant(sql, &pid2)?;
            Ok::<_, ApiError>(version)
        })?;
        self.announce(version, Change::Removed(pid.to_string()));
        self.write_index_soon(now, request_id);
        Ok(Answer::bare(Reply::Done))
    }

    pub(super) async fn edit(
        &self,
        row: &AppointmentRow,
        token: Option<&str>,
        dry_run: Option<&str>,
        body: &[u8],
        now: i64,
        request_id: &str,
    ) -> ApiResult<Answer> {
        authorize(&self.caller(row, token)?, Action::EditAppointment)?;
        let dry_run = requests::dry_run(dry_run)?;
        let request: EditRequest = requests::decode(body)?;
        let layout = self.layout(row)?;
        let current = Edited {
            title: row.title.clone(),
            final_range: row.final_range,
            closed: row.closed,
            schedule: layout.schedule.clone(),
            tools: row.tools.clone(),
        };
        let people = match request.required {
            Some(_) => store::participant_ids(&self.sql())?,
            None => Vec::new(),
        };
        let edit = request.apply(&current, &layout.grid, to_datetime(now), &people)?;
        if dry_run {
            let old_len = layout.grid.len();
            let everyone: Vec<_> = store::participants(&self.sql())?
                .iter()
                .map(|p| Availability::from_bytes(&p.availability, old_len))
                .collect();
            return Answer::ok(&edit.dry_run(&current, &layout.grid, &everyone));
        }
        let Edit { after, regrid } = edit;
        let mut row = row.clone();
        if after != current {
            let expires_at = self.expires_at(&after.schedule, now);
            let schedule = after.schedule.to_value().to_string();
            let (new_grid, remap) = regrid.map(|r| (r.grid, r.remap)).unzip();
            row.version =
                self.store_edit(&after, &schedule, remap, layout.grid.len(), now, expires_at)?;
            if let Some(grid) = new_grid {
                let schedule = after.schedule.clone();
                *self.layout.borrow_mut() = Some(Rc::new(Layout { schedule, grid }));
                *self.last_view.borrow_mut() = None;
                *self.last_private.borrow_mut() = None;
            }
            (row.title, row.final_range, row.closed, row.schedule) =
                (after.title, after.final_range, after.closed, schedule);
            row.deadline_told = after.tools.deadline_passed(now);
            row.tools = after.tools;
            row.changed_at = now;
            row.expires_at = expires_at;
            // Told before the next await, so pushes go out in version order.
            self.announce(row.version, Change::View);
            if let Err(e) = self.alarm_by(row.next_alarm()).await {
                // The edit stands; the next alarm or the cron sweep catches up.
                worker::console_error!(
                    "request {request_id}: edit of {}: setting the alarm failed: {e}",
                    row.id
                );
            }
            self.write_index_soon(now, request_id);
        }
        Answer::ok(&self.full_view(&row, 0)?)
    }

    /// Writes an edit in one transaction: everyone's levels moved onto
    /// the new grid (when the schedule changed; rows whose levels stay the
    /// same are not rewritten), the appointment's row, and one version
    /// step. The new version.
    fn store_edit(
        &self,
        after: &Edited,
        schedule: &str,
        remap: Option<Remap>,
        old_len: usize,
        now: i64,
        expires_at: i64,
    ) -> ApiResult<i64> {
        let sql = self.sql();
        let (after, schedule) = (after.clone(), schedule.to_string());
        sql.transaction(move |sql| {
            let version = store::bump_version(sql, now, expires_at, Step::View)?.version;
            // A grid that covers the same times slot for slot moves nothing.
            if let Some(remap) = remap.filter(|r| !r.is_identity()) {
                for p in store::participants(sql)? {
                    let moved = remap.apply(&Availability::from_bytes(&p.availability, old_len));
                    if moved.as_bytes() != p.availability.as_slice() {
                        store::set_availability(sql, &p.id, moved.as_bytes(), version)?;
                    }
                }
            }
            store::update_settings(
                sql,
                &after.title,
                after.final_range,
                after.closed,
                &schedule,
            )?;
            // A deadline already passed is told by this edit's own push.
            store::set_tools(sql, &after.tools, after.tools.deadline_passed(now))?;
            Ok::<_, ApiError>(version)
        })
    }

    pub(super) async fn delete(
        &self,
        row: &AppointmentRow,
        token: Option<&str>,
    ) -> ApiResult<Answer> {
        authorize(&self.caller(row, token)?, Action::DeleteAppointment)?;
        self.erase(&row.id).await?;
        Ok(Answer::bare(Reply::Done))
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
