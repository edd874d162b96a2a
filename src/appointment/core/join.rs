//! Joining, and signing back in under a name that joined before.

use super::{internal, Core, Effects, IndexWrite};
use crate::appointment::store::{self, AppointmentRow, ParticipantRow, Sql, Step};
use crate::domain::limits::{admit_participant, TOKENS_KEPT};
use crate::domain::live::Change;
use crate::domain::requests::{self, JoinRequest};
use crate::domain::view::Joined;
use crate::domain::{Availability, DomainError, Password};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Call, Reply};
use crate::secrets;

impl<S: Sql> Core<S> {
    pub(super) async fn join(
        &self,
        row: &AppointmentRow,
        call: &Call,
        body: &[u8],
        now: i64,
        fx: &mut Effects,
    ) -> ApiResult<Answer> {
        let client = call.client.as_str();
        let request: JoinRequest = requests::decode(body)?;
        let name = request.name()?;
        let key = name.key();
        let layout = self.layout(row)?;

        if let Some(existing) = store::participant_by_name(&self.sql, &key, name.as_str())? {
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
        admit_participant(store::participant_count(&self.sql)?, row.closed)?;
        // A flood from one address stops here; a rejected join used none.
        let joins = self.settings.joins;
        let since = joins.forget_before(now);
        let (recent, oldest) = store::joins(&self.sql, client, since)?;
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
        let version = self.sql.transaction(move |sql| -> ApiResult<i64> {
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
        self.announce(version, Change::Participant(participant.clone()), fx);
        fx.index = Some(IndexWrite::Soon);
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
        if let Some(stored) = &existing.password_hash {
            let password = password.ok_or(DomainError::PasswordRequired)?;
            // Too many wrong guesses lock the name for a while from that
            // address, right password or not, so guessing stays hopeless
            // while the owner elsewhere still gets in.
            let window = self.settings.sign_in;
            let since = window.forget_before(now);
            let (failures, oldest) =
                store::wrong_passwords(&self.sql, &existing.id, client, since)?;
            window.check(failures, oldest, now)?;
            if !secrets::verify_password(password, stored)
                .await
                .map_err(internal)?
            {
                store::record_wrong_password(&self.sql, &existing.id, client, now, since)?;
                return Err(DomainError::WrongPassword.into());
            }
        }
        // The participant may have been removed while the password was checked.
        let current = store::participant(&self.sql, &existing.id)?.ok_or(ApiError::NotFound)?;
        let (token, token_hash) = secrets::new_token().map_err(internal)?;
        store::insert_token(&self.sql, &token_hash, &current.id, TOKENS_KEPT)?;
        let layout = self.layout(row)?;
        let (participant, _) = self.participant(&current, &layout.grid);
        Answer::ok(&Joined { participant, token })
    }
}
