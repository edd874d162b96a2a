//! What the appointment object does for each request: check who asks (404,
//! then 401, then 403, then 400, as the spec orders them), apply the change
//! in one transaction, answer, and tell the live connections.

use serde_json::{json, Value};
use worker::{Headers, Response};

use super::store::{self, Meta, ParticipantRow};
use super::{tx, view, Appointment, Caller};
use crate::domain::{
    Availability, DomainError, FinalTime, ParticipantName, Password, Schedule, Title, Update,
};
use crate::error::{json_response, ApiError, ApiResult};
use crate::{api::render, secrets};

/// The most participants one appointment takes.
const MAX_PARTICIPANTS: usize = 1_000;

/// The body as JSON (400 `invalid_json` otherwise).
fn json_body(body: &[u8]) -> ApiResult<Value> {
    if body.is_empty() {
        return Err(ApiError::InvalidJson("the body is empty".into()));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidJson(e.to_string()))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

fn not_an_object() -> ApiError {
    DomainError::InvalidBody("the body must be a JSON object".into()).into()
}

fn title_not_text() -> DomainError {
    DomainError::InvalidTitle("title must be text of 1–100 characters".into())
}

fn name_not_text() -> DomainError {
    DomainError::InvalidName("name must be text of 1–50 characters".into())
}

/// The title and schedule of a new appointment, from the create request's
/// body. The Worker checks this before it counts a creation against the
/// client's allowance; the object checks it again before it writes.
pub fn parse_new_appointment(body: &[u8], now: i64) -> ApiResult<(Title, Schedule)> {
    let body = json_body(body)?;
    if !body.is_object() {
        return Err(not_an_object());
    }
    let title = opt_str(&body, "title", title_not_text())?.ok_or_else(title_not_text)?;
    let title = Title::parse(title)?;
    let schedule = Schedule::parse_new(&body, super::to_datetime(now))?;
    if crate::domain::Grid::new(&schedule).is_empty() {
        return Err(DomainError::InvalidTimeWindow {
            field: "start",
            message: "no slot of this window exists on the chosen dates (a daylight-saving change skips it)".into(),
        }
        .into());
    }
    Ok((title, schedule))
}

/// A field of a JSON object that must be a string when present.
fn opt_str<'a>(body: &'a Value, field: &str, err: DomainError) -> ApiResult<Option<&'a str>> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(err.into()),
    }
}

impl Appointment {
    pub(super) async fn create(&self, id: &str, origin: &str, body: &[u8]) -> ApiResult<Response> {
        let now = super::now_ms();
        let (title, schedule) = parse_new_appointment(body, now)?;
        // Tables are made only for a valid creation: probes write nothing.
        self.ensure_schema()?;
        let sql = self.state.storage().sql();
        if store::load_meta(&sql)?.is_some() {
            return Err(ApiError::Conflict {
                code: "id_taken",
                message: "this appointment id is taken; try again",
            });
        }
        let (admin_token, admin_hash) = secrets::new_token().map_err(internal)?;
        let meta = Meta {
            id: id.to_string(),
            title: title.as_str().to_string(),
            schedule: schedule.to_value().to_string(),
            admin_hash,
            version: 1,
            final_range: None,
            created_at: now,
            changed_at: now,
            expires_at: self.expires_at(&schedule, now),
            unflushed_updates: 0,
        };
        store::insert_meta(&sql, &meta)?;
        self.state
            .storage()
            .set_alarm(super::to_datetime(meta.expires_at))
            .await?;
        self.reindex(now).await;

        let fixed = self.fixed(&meta)?;
        let url = format!("{origin}/a/{id}");
        let response = json!({
            "id": id,
            "url": url,
            "admin_token": admin_token,
            "appointment": view::appointment(&meta, &fixed, &[], 0),
        });
        let r = json_response(&response, 201)?;
        r.headers()
            .set("location", &format!("/api/appointments/{id}"))?;
        Ok(r)
    }

    pub(super) fn view(
        &self,
        meta: &Meta,
        query: Option<&str>,
        if_none_match: Option<&str>,
    ) -> ApiResult<Response> {
        let min_slots = min_slots(query)?;
        let etag = etag(meta, min_slots);
        if if_none_match
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
        {
            let headers = Headers::new();
            headers.set("etag", &etag)?;
            return Ok(Response::empty()?.with_status(304).with_headers(headers));
        }
        let fixed = self.fixed(meta)?;
        let rows = store::participants(&self.state.storage().sql())?;
        let r = json_response(&view::appointment(meta, &fixed, &rows, min_slots), 200)?;
        r.headers().set("etag", &etag)?;
        r.headers().set("cache-control", "no-cache")?;
        Ok(r)
    }

    pub(super) async fn join(&self, meta: &Meta, body: &[u8], now: i64) -> ApiResult<Response> {
        let body = json_body(body)?;
        if !body.is_object() {
            return Err(not_an_object());
        }
        let name = opt_str(&body, "name", name_not_text())?.ok_or_else(name_not_text)?;
        let name = ParticipantName::parse(name)?;
        let password = opt_str(
            &body,
            "password",
            DomainError::InvalidPassword("password must be text".into()),
        )?;
        let key = name.key();
        let sql = self.state.storage().sql();
        let fixed = self.fixed(meta)?;

        if let Some(existing) = store::participant_by_name(&sql, &key)? {
            return self.sign_in(meta, existing, password, now).await;
        }
        let password = password.map(Password::parse).transpose()?;
        if store::participant_count(&sql)? >= MAX_PARTICIPANTS {
            return Err(ApiError::Conflict {
                code: "appointment_full",
                message: "this appointment has the most participants it can take (1,000)",
            });
        }
        let password_hash = match &password {
            Some(p) => Some(secrets::hash_password(p.as_str()).await.map_err(internal)?),
            None => None,
        };
        let (token, token_hash) = secrets::new_token().map_err(internal)?;
        let row = ParticipantRow {
            id: secrets::new_participant_id().map_err(internal)?,
            name: name.as_str().to_string(),
            password_hash,
            availability: Availability::empty(fixed.grid.len()).as_bytes().to_vec(),
        };
        let expires_at = self.expires_at(&fixed.schedule, now);
        let (sql2, row2) = (sql.clone(), row.clone());
        let version = tx::transaction(&self.state.storage(), move || {
            // Hashing the password awaited; someone may have taken the name since.
            if store::participant_by_name(&sql2, &key)?.is_some() {
                return Err(ApiError::Conflict {
                    code: "name_taken",
                    message: "someone just joined with this name; try again to sign in",
                });
            }
            store::insert_participant(&sql2, &row2, &key)?;
            store::insert_token(&sql2, &token_hash, &row2.id)?;
            Ok(store::bump_version(&sql2, now, expires_at, false)?.version)
        })?;
        let participant = view::participant(&row, &Availability::empty(fixed.grid.len()));
        self.broadcast(
            &json!({ "type": "update", "version": version, "participant": participant }),
        );
        self.reindex(now).await;
        json_response(&json!({ "participant": participant, "token": token }), 201)
    }

    async fn sign_in(
        &self,
        meta: &Meta,
        existing: ParticipantRow,
        password: Option<&str>,
        now: i64,
    ) -> ApiResult<Response> {
        let sql = self.state.storage().sql();
        if let Some(stored) = &existing.password_hash {
            let Some(password) = password else {
                return Err(ApiError::Unauthorized {
                    code: "password_required",
                    message: "this name is protected: send its password",
                });
            };
            // Too many wrong guesses lock the name for a while, right
            // password or not, so guessing stays hopeless.
            let (max_failures, window) = self.sign_in_limits();
            let since = now - window;
            let (failures, oldest) = store::failed_sign_ins(&sql, &existing.id, since)?;
            if failures >= max_failures {
                let until = oldest.unwrap_or(now) + window;
                let retry_after = ((until - now).max(0) as u64).div_ceil(1000).max(1);
                return Err(ApiError::TooManyAttempts {
                    retry_after: retry_after.min(u32::MAX as u64) as u32,
                });
            }
            if !secrets::verify_password(password, stored)
                .await
                .map_err(internal)?
            {
                store::record_failed_sign_in(&sql, &existing.id, now, since)?;
                return Err(ApiError::Unauthorized {
                    code: "wrong_password",
                    message: "the password does not match this name",
                });
            }
        }
        // The participant may have been removed while the password was checked.
        let row = store::participant(&sql, &existing.id)?.ok_or(ApiError::NotFound)?;
        let (token, token_hash) = secrets::new_token().map_err(internal)?;
        store::insert_token(&sql, &token_hash, &row.id)?;
        let fixed = self.fixed(meta)?;
        let availability = Availability::from_bytes(&row.availability, fixed.grid.len());
        json_response(
            &json!({ "participant": view::participant(&row, &availability), "token": token }),
            200,
        )
    }

    pub(super) async fn update_availability(
        &self,
        meta: &Meta,
        pid: &str,
        auth: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> ApiResult<Response> {
        let sql = self.state.storage().sql();
        // The hot path: one statement finds the participant and whom the
        // token belongs to (the same checks as `caller`, in 404-401-403 order).
        let hash = secrets::bearer(auth).map(secrets::token_hash);
        let (row, owner) = store::participant_and_token_owner(&sql, pid, hash.as_deref())?
            .ok_or(ApiError::NotFound)?;
        let hash = hash.ok_or(ApiError::UNAUTHORIZED)?;
        match owner {
            _ if secrets::same_secret(&hash, &meta.admin_hash) => return Err(ApiError::Forbidden),
            Some(owner) if owner == pid => {}
            Some(_) => return Err(ApiError::Forbidden),
            None => return Err(ApiError::UNAUTHORIZED),
        }
        let fixed = self.fixed(meta)?;
        let update = Update::parse(&json_body(body)?, fixed.grid.len())?;
        let mut availability = Availability::from_bytes(&row.availability, fixed.grid.len());
        let mut version = meta.version;
        let mut rows_written = 0;
        let changed = availability.apply(&update);
        let participant = view::participant(&row, &availability);
        if changed {
            let bytes = availability.as_bytes().to_vec();
            let expires_at = self.expires_at(&fixed.schedule, now);
            let (sql2, pid2) = (sql.clone(), pid.to_string());
            let (set, bumped) = tx::transaction(&self.state.storage(), move || {
                let set = store::set_availability(&sql2, &pid2, &bytes)?;
                Ok((set, store::bump_version(&sql2, now, expires_at, true)?))
            })?;
            (version, rows_written) = (bumped.version, set + bumped.rows_written);
            // Told before the next await, so pushes go out in version order.
            self.broadcast(
                &json!({ "type": "update", "version": version, "participant": participant }),
            );
            self.schedule_flush(now).await?;
        }
        let r = json_response(
            &json!({ "participant": participant, "version": version }),
            200,
        )?;
        r.headers()
            .set("x-rows-written", &rows_written.to_string())?;
        Ok(r)
    }

    pub(super) async fn leave(
        &self,
        meta: &Meta,
        pid: &str,
        auth: Option<&str>,
        now: i64,
    ) -> ApiResult<Response> {
        let sql = self.state.storage().sql();
        store::participant(&sql, pid)?.ok_or(ApiError::NotFound)?;
        match self.caller(meta, auth)? {
            Caller::Admin => {}
            Caller::Participant(p) if p == pid => {}
            Caller::Participant(_) => return Err(ApiError::Forbidden),
        }
        let fixed = self.fixed(meta)?;
        let expires_at = self.expires_at(&fixed.schedule, now);
        let (sql2, pid2) = (sql.clone(), pid.to_string());
        let version = tx::transaction(&self.state.storage(), move || {
            store::delete_participant(&sql2, &pid2)?;
            Ok(store::bump_version(&sql2, now, expires_at, false)?.version)
        })?;
        self.broadcast(&json!({ "type": "update", "version": version, "left": pid }));
        self.reindex(now).await;
        Ok(Response::empty()?.with_status(204))
    }

    pub(super) async fn edit(
        &self,
        meta: &Meta,
        auth: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> ApiResult<Response> {
        if self.caller(meta, auth)? != Caller::Admin {
            return Err(ApiError::Forbidden);
        }
        let body = json_body(body)?;
        if !body.is_object() {
            return Err(not_an_object());
        }
        let fixed = self.fixed(meta)?;
        let title = match opt_str(&body, "title", title_not_text())? {
            Some(t) => Title::parse(t)?.as_str().to_string(),
            None => meta.title.clone(),
        };
        let final_range = match body.get("final") {
            None => meta.final_range,
            Some(Value::Null) => None,
            Some(v) => {
                let f = FinalTime::parse(v, &fixed.grid)?;
                Some((f.start(), f.end()))
            }
        };
        if body.get("title").is_none() && body.get("final").is_none() {
            return Err(DomainError::InvalidBody(
                "nothing to change: send title and/or final".into(),
            )
            .into());
        }
        let mut meta = meta.clone();
        if title != meta.title || final_range != meta.final_range {
            let expires_at = self.expires_at(&fixed.schedule, now);
            let (sql, t, f) = (self.state.storage().sql(), title.clone(), final_range);
            tx::transaction(&self.state.storage(), move || {
                store::update_meta(&sql, &t, f)?;
                store::bump_version(&sql, now, expires_at, false)?;
                Ok(())
            })?;
            meta = store::load_meta(&self.state.storage().sql())?.ok_or(ApiError::NotFound)?;
            self.broadcast(&json!({ "type": "update", "version": meta.version }));
            self.reindex(now).await;
        }
        let rows = store::participants(&self.state.storage().sql())?;
        json_response(&view::appointment(&meta, &fixed, &rows, 0), 200)
    }

    pub(super) async fn delete(&self, meta: &Meta, auth: Option<&str>) -> ApiResult<Response> {
        if self.caller(meta, auth)? != Caller::Admin {
            return Err(ApiError::Forbidden);
        }
        self.erase(&meta.id).await?;
        Ok(Response::empty()?.with_status(204))
    }

    pub(super) fn qr(&self, meta: &Meta, origin: &str) -> ApiResult<Response> {
        let svg = render::qr_svg(&format!("{origin}/a/{}", meta.id)).map_err(internal)?;
        let headers = Headers::new();
        headers.set("content-type", "image/svg+xml")?;
        headers.set("cache-control", "public, max-age=86400")?;
        Ok(Response::from_bytes(svg.into_bytes())?.with_headers(headers))
    }

    pub(super) fn ics(&self, meta: &Meta, origin: &str, now: i64) -> ApiResult<Response> {
        let (start, end) = meta.final_range.ok_or(ApiError::Conflict {
            code: "not_finalised",
            message: "the organiser has not fixed the final time yet",
        })?;
        let fixed = self.fixed(meta)?;
        let when = FinalTime::new(start, end, &fixed.grid)
            .ok()
            .and_then(|f| f.when(&fixed.grid))
            .ok_or_else(|| ApiError::Internal("stored final time is off the grid".into()))?;
        let event = render::Event {
            id: &meta.id,
            title: &meta.title,
            url: &format!("{origin}/a/{}", meta.id),
            zone: fixed.schedule.zone(),
            when,
            now: super::to_datetime(now),
        };
        let headers = Headers::new();
        headers.set("content-type", "text/calendar; charset=utf-8")?;
        headers.set(
            "content-disposition",
            &format!("attachment; filename=\"{}.ics\"", meta.id),
        )?;
        headers.set("cache-control", "no-cache")?;
        Ok(Response::from_bytes(render::ics(&event).into_bytes())?.with_headers(headers))
    }
}

/// The view's entity tag: it changes with the version and the query.
pub(super) fn etag(meta: &Meta, min_slots: usize) -> String {
    format!("W/\"{}-{}-{}\"", meta.id, meta.version, min_slots)
}

/// `?min_slots=n`: a positive integer, 0 when absent.
fn min_slots(query: Option<&str>) -> ApiResult<usize> {
    let Some(query) = query else { return Ok(0) };
    let mut result = 0;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "min_slots" {
            result = value
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    ApiError::InvalidQuery("min_slots must be a positive whole number".into())
                })?;
        }
    }
    Ok(result)
}
