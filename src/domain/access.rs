//! Who may do what. The appointment object works out who the caller is
//! from their bearer token; this decides, in one place, whether that caller
//! may take the action.

use super::DomainError;

/// Who a request comes from, as proven by its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No token, or a token nobody was given.
    Anonymous,
    /// The holder of the appointment's admin token: the organiser.
    Admin,
    /// The participant with this id.
    Participant(String),
}

/// What a caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Change the title, final time or schedule.
    EditAppointment,
    /// Delete the appointment and everything in it.
    DeleteAppointment,
    /// Change this participant's availability.
    Paint {
        /// Whose availability.
        participant: &'a str,
    },
    /// Remove this participant.
    Remove {
        /// Who is removed.
        participant: &'a str,
    },
    /// Read everyone's names and answers of a private appointment (the
    /// availability file).
    ReadPrivate,
}

/// Whether `caller` may take `action`: `Unauthorized` (401) without a
/// valid token, `Forbidden` (403) with someone else's. The organiser runs
/// the appointment and may remove anyone, but paints for nobody: each
/// person's answers are their own.
pub fn authorize(caller: &Caller, action: Action<'_>) -> Result<(), DomainError> {
    match (caller, action) {
        (Caller::Anonymous, _) => Err(DomainError::Unauthorized),
        (Caller::Participant(_), Action::ReadPrivate) => Err(DomainError::PrivateAppointment),
        (Caller::Admin, Action::Paint { .. }) => Err(DomainError::Forbidden),
        (Caller::Admin, _) => Ok(()),
        (
            Caller::Participant(me),
            Action::Paint { participant } | Action::Remove { participant },
        ) if me == participant => Ok(()),
        (Caller::Participant(_), _) => Err(DomainError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: Action<'static> = Action::Paint { participant: "p1" };
    const REMOVE_P1: Action<'static> = Action::Remove { participant: "p1" };

    fn me() -> Caller {
        Caller::Participant("p1".into())
    }

    fn other() -> Caller {
        Caller::Participant("p2".into())
    }

    #[test]
    fn without_a_valid_token_nothing_is_allowed() {
        for action in [
            Action::EditAppointment,
            Action::DeleteAppointment,
            P1,
            REMOVE_P1,
        ] {
            assert_eq!(
                authorize(&Caller::Anonymous, action),
                Err(DomainError::Unauthorized)
            );
        }
    }

    #[test]
    fn a_participant_paints_and_leaves_only_as_themself() {
        assert_eq!(authorize(&me(), P1), Ok(()));
        assert_eq!(authorize(&me(), REMOVE_P1), Ok(()));
        assert_eq!(authorize(&other(), P1), Err(DomainError::Forbidden));
        assert_eq!(authorize(&other(), REMOVE_P1), Err(DomainError::Forbidden));
    }

    #[test]
    fn a_participant_cannot_run_the_appointment() {
        assert_eq!(
            authorize(&me(), Action::EditAppointment),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            authorize(&me(), Action::DeleteAppointment),
            Err(DomainError::Forbidden)
        );
    }

    #[test]
    fn the_organiser_runs_the_appointment_and_removes_anyone_but_paints_for_nobody() {
        assert_eq!(authorize(&Caller::Admin, Action::EditAppointment), Ok(()));
        assert_eq!(authorize(&Caller::Admin, Action::DeleteAppointment), Ok(()));
        assert_eq!(authorize(&Caller::Admin, REMOVE_P1), Ok(()));
        assert_eq!(authorize(&Caller::Admin, P1), Err(DomainError::Forbidden));
    }

    #[test]
    fn only_the_organiser_reads_everyone_in_a_private_appointment() {
        assert_eq!(authorize(&Caller::Admin, Action::ReadPrivate), Ok(()));
        assert_eq!(
            authorize(&me(), Action::ReadPrivate),
            Err(DomainError::PrivateAppointment)
        );
        assert_eq!(
            authorize(&Caller::Anonymous, Action::ReadPrivate),
            Err(DomainError::Unauthorized)
        );
    }
}
