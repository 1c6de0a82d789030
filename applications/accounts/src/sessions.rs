//! Login sessions, the state behind refresh tokens and logout.
//!
//! A password login starts a session; its id is the tokens' `sid` and
//! the response's `session_state`. Refreshing needs the session to be
//! alive (idle and maximum lifespans, as in Keycloak); logout ends it, so
//! its refresh tokens stop working at once.
//!
//! Limitation: sessions live in memory, so a restart ends them all and
//! refresh tokens issued before it are refused (Keycloak 25+ persists
//! user sessions in its database). Writing sessions to the data directory
//! would lift this.

use std::collections::HashMap;
use std::sync::Mutex;

/// A live login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Session id (`sid`).
    pub id: String,
    /// The user's id (`sub`).
    pub user_id: String,
    /// The client that started the session.
    pub client_id: String,
    /// When the user authenticated (`auth_time`), epoch seconds.
    pub started_at: u64,
    /// Last login or refresh, epoch seconds.
    pub last_refresh: u64,
    /// Whether the session is an offline session (`offline_access`).
    pub offline: bool,
}

/// Idle and maximum lifespan of a session, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Seconds without a refresh after which the session ends.
    pub idle: u64,
    /// Seconds after login after which the session ends; `None` for no
    /// limit.
    pub max: Option<u64>,
}

impl SessionLimits {
    /// When a session refreshed at `now` expires.
    pub fn expiry(&self, session: &Session, now: u64) -> u64 {
        let idle_end = now.saturating_add(self.idle);
        match self.max {
            Some(max) => idle_end.min(session.started_at.saturating_add(max)),
            None => idle_end,
        }
    }

    fn is_alive(&self, session: &Session, now: u64) -> bool {
        let idle_end = session.last_refresh.saturating_add(self.idle);
        let max_end = self
            .max
            .map_or(u64::MAX, |max| session.started_at.saturating_add(max));
        now < idle_end && now < max_end
    }
}

/// The sessions of a running server.
#[derive(Debug, Default)]
pub struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Starts a session and forgets sessions that have expired.
    pub fn start(&self, session: Session, limits: impl Fn(&Session) -> SessionLimits) -> Session {
        let mut by_id = self.lock();
        let now = session.started_at;
        by_id.retain(|_, existing| limits(existing).is_alive(existing, now));
        by_id.insert(session.id.clone(), session.clone());
        session
    }

    /// Marks a session refreshed at `now`; `None` when it has ended.
    pub fn refresh(&self, id: &str, limits: SessionLimits, now: u64) -> Option<Session> {
        let mut by_id = self.lock();
        let session = by_id.get_mut(id)?;
        if !limits.is_alive(session, now) {
            by_id.remove(id);
            return None;
        }
        session.last_refresh = now;
        Some(session.clone())
    }

    /// Whether a session is alive at `now`.
    pub fn is_active(&self, id: &str, limits: SessionLimits, now: u64) -> bool {
        self.lock()
            .get(id)
            .is_some_and(|session| limits.is_alive(session, now))
    }

    /// Ends a session; returns whether it existed.
    pub fn end(&self, id: &str) -> bool {
        self.lock().remove(id).is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_id
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: SessionLimits = SessionLimits {
        idle: 10,
        max: Some(100),
    };

    fn session(started_at: u64) -> Session {
        Session {
            id: "s1".into(),
            user_id: "u1".into(),
            client_id: "c1".into(),
            started_at,
            last_refresh: started_at,
            offline: false,
        }
    }

    #[test]
    fn a_session_ends_when_idle_too_long() {
        let sessions = Sessions::default();
        sessions.start(session(1000), |_| LIMITS);

        assert!(sessions.refresh("s1", LIMITS, 1009).is_some());
        assert!(sessions.refresh("s1", LIMITS, 1020).is_none());
    }

    #[test]
    fn a_session_ends_at_its_maximum_lifespan() {
        let sessions = Sessions::default();
        sessions.start(session(1000), |_| LIMITS);
        for now in (1005..1100).step_by(5) {
            assert!(sessions.refresh("s1", LIMITS, now).is_some());
        }

        assert!(sessions.refresh("s1", LIMITS, 1100).is_none());
    }

    #[test]
    fn expiry_is_capped_by_the_maximum_lifespan() {
        let started = session(1000);

        assert_eq!(LIMITS.expiry(&started, 1000), 1010);
        assert_eq!(LIMITS.expiry(&started, 1095), 1100);
    }

    #[test]
    fn an_ended_session_cannot_refresh() {
        let sessions = Sessions::default();
        sessions.start(session(1000), |_| LIMITS);

        assert!(sessions.end("s1"));

        assert!(sessions.refresh("s1", LIMITS, 1001).is_none());
        assert!(!sessions.end("s1"));
    }
}
