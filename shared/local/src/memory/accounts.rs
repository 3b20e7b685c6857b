//! Users, sessions, revocations, single-use secrets, lockout, rate limits and audit.

use std::collections::HashMap;
use think_tank_core::domain::{SessionId, UserId};

use async_trait::async_trait;

use super::{lock, page_desc, MemoryStore};
use think_tank_core::clock::UnixSecs;
use think_tank_core::domain::{
    AuditEvent, Email, LiveJti, LoginAttempts, Page, PasswordChange, Reservation, Session, User,
    UserChanges, UserRecord,
};
use think_tank_core::error::StoreResult;
use think_tank_core::ports::{
    AttemptStore, AuditStore, OneTimeStore, RateLimitStore, RevocationStore, SessionStore,
    UserStore,
};

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(&self, record: &UserRecord) -> StoreResult<bool> {
        let mut users = lock(&self.users);
        if users.id_by_email.contains_key(&record.user.email) {
            return Ok(false);
        }
        users
            .id_by_email
            .insert(record.user.email.clone(), record.user.id.clone());
        users.by_id.insert(record.user.id.clone(), record.clone());
        Ok(true)
    }

    async fn user_by_id(&self, id: &UserId) -> StoreResult<Option<UserRecord>> {
        Ok(lock(&self.users).by_id.get(id).cloned())
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRecord>> {
        let users = lock(&self.users);
        Ok(users
            .id_by_email
            .get(email.as_str())
            .and_then(|id| users.by_id.get(id))
            .cloned())
    }

    async fn update_user(
        &self,
        id: &UserId,
        changes: &UserChanges,
    ) -> StoreResult<Option<UserRecord>> {
        let mut users = lock(&self.users);
        let Some(record) = users.by_id.get_mut(id) else {
            return Ok(None);
        };
        if let Some(name) = &changes.name {
            record.user.name = name.clone();
        }
        if let Some(role) = changes.role {
            record.user.role = role;
        }
        if let Some(verified) = changes.email_verified {
            record.user.email_verified = verified;
        }
        if let Some(change) = &changes.password {
            record.password_hash = match change {
                PasswordChange::Set(hash) => Some(hash.clone()),
                PasswordChange::Remove => None,
            };
        }
        if let Some(on) = changes.mfa_enabled {
            record.user.mfa_enabled = on;
        }
        if let Some(change) = &changes.credentials {
            record.credential_generation += 1;
            record.kept_session = change.keep_session.clone();
        }
        Ok(Some(record.clone()))
    }

    async fn list_users(&self, after: Option<&str>, limit: usize) -> StoreResult<Page<User>> {
        let users = lock(&self.users);
        Ok(page_desc(
            users.by_id.iter(),
            |r| r.user.clone(),
            after,
            limit,
        ))
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let key = (session.user_id.clone(), session.id.clone());
        lock(&self.sessions).insert(key, session.clone());
        Ok(())
    }

    async fn session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        let key = (user_id.clone(), session_id.clone());
        Ok(lock(&self.sessions).get(&key).cloned())
    }

    async fn sessions_of(&self, user_id: &UserId) -> StoreResult<Vec<Session>> {
        let mut found: Vec<Session> = lock(&self.sessions)
            .values()
            .filter(|s| s.user_id == user_id)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(found)
    }

    async fn replace_session_if(
        &self,
        session: &Session,
        expected_hash: &str,
    ) -> StoreResult<bool> {
        let key = (session.user_id.clone(), session.id.clone());
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&key) {
            Some(current) if !current.revoked && current.refresh_hash == expected_hash => {
                *current = session.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn mark_authenticated(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        at: UnixSecs,
    ) -> StoreResult<bool> {
        let mut sessions = lock(&self.sessions);
        let key = (user_id.clone(), session_id.clone());
        match sessions.get_mut(&key).filter(|s| !s.revoked) {
            Some(session) => {
                session.authenticated_at = at;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn revoke_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>> {
        let key = (user_id.clone(), session_id.clone());
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&key) {
            Some(s) if !s.revoked => {
                s.revoked = true;
                Ok(Some(s.clone()))
            }
            _ => Ok(None),
        }
    }
}

#[async_trait]
impl RevocationStore for MemoryStore {
    async fn revoke_tokens(&self, jtis: &[LiveJti]) -> StoreResult<()> {
        let mut revoked = lock(&self.revoked);
        for j in jtis {
            revoked.insert(j.jti.clone(), j.expires_at);
        }
        Ok(())
    }

    async fn is_revoked(&self, jti: &str, now: UnixSecs) -> StoreResult<bool> {
        Ok(lock(&self.revoked).get(jti).is_some_and(|exp| now < *exp))
    }
}

#[async_trait]
impl OneTimeStore for MemoryStore {
    async fn put_once(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let mut entries = lock(&self.one_time);
        let k = (purpose.to_string(), key.to_string());
        if entries.get(&k).is_some_and(|(_, exp)| now < *exp) {
            return Ok(false);
        }
        entries.insert(k, (subject.to_string(), expires_at));
        Ok(true)
    }

    async fn take(&self, purpose: &str, key: &str, now: UnixSecs) -> StoreResult<Option<String>> {
        let k = (purpose.to_string(), key.to_string());
        Ok(lock(&self.one_time)
            .remove(&k)
            .filter(|(_, exp)| now < *exp)
            .map(|(subject, _)| subject))
    }

    async fn contains(&self, purpose: &str, key: &str, now: UnixSecs) -> StoreResult<bool> {
        let k = (purpose.to_string(), key.to_string());
        Ok(lock(&self.one_time)
            .get(&k)
            .is_some_and(|(_, exp)| now < *exp))
    }

    async fn replace(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        expires_at: UnixSecs,
    ) -> StoreResult<()> {
        let k = (purpose.to_string(), key.to_string());
        lock(&self.one_time).insert(k, (subject.to_string(), expires_at));
        Ok(())
    }

    async fn take_if(
        &self,
        purpose: &str,
        key: &str,
        subject: &str,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let mut entries = lock(&self.one_time);
        let k = (purpose.to_string(), key.to_string());
        let matches = entries
            .get(&k)
            .is_some_and(|(s, exp)| now < *exp && s == subject);
        if matches {
            entries.remove(&k);
        }
        Ok(matches)
    }
}

#[async_trait]
impl AttemptStore for MemoryStore {
    async fn reserve_attempt(
        &self,
        email: &Email,
        threshold: u32,
        now: UnixSecs,
    ) -> StoreResult<Reservation> {
        let mut all = lock(&self.attempts);
        let state = live_attempts(&all, email, now).unwrap_or_default();
        let (next, answer) = state.reserve(threshold, now);
        if matches!(answer, Reservation::Granted { .. }) {
            all.insert(
                email.as_str().to_string(),
                (next, LoginAttempts::expiry(now, None)),
            );
        }
        Ok(answer)
    }

    async fn start_lock(
        &self,
        email: &Email,
        threshold: u32,
        until: UnixSecs,
        now: UnixSecs,
    ) -> StoreResult<bool> {
        let mut all = lock(&self.attempts);
        match live_attempts(&all, email, now) {
            Some(state) if state.failures >= threshold && state.locked_until.is_none() => {
                let locked = LoginAttempts {
                    locked_until: Some(until),
                    ..state
                };
                let expiry = LoginAttempts::expiry(now, Some(until));
                all.insert(email.as_str().to_string(), (locked, expiry));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn clear_attempts(&self, email: &Email) -> StoreResult<()> {
        lock(&self.attempts).remove(email.as_str());
        Ok(())
    }

    async fn release_attempt(&self, email: &Email) -> StoreResult<()> {
        let mut all = lock(&self.attempts);
        if let Some((state, _)) = all.get_mut(email.as_str()) {
            if state.locked_until.is_none() {
                state.failures = state.failures.saturating_sub(1);
            }
        }
        Ok(())
    }

    async fn lock_until(&self, email: &Email, until: UnixSecs, now: UnixSecs) -> StoreResult<()> {
        let next = LoginAttempts {
            failures: 0,
            locked_until: Some(until),
        };
        let expiry = LoginAttempts::expiry(now, Some(until));
        lock(&self.attempts).insert(email.as_str().to_string(), (next, expiry));
        Ok(())
    }
}

fn live_attempts(
    all: &HashMap<String, (LoginAttempts, UnixSecs)>,
    email: &Email,
    now: UnixSecs,
) -> Option<LoginAttempts> {
    all.get(email.as_str())
        .filter(|(_, expiry)| now < *expiry)
        .map(|(state, _)| state.clone())
}

#[async_trait]
impl RateLimitStore for MemoryStore {
    async fn hit(
        &self,
        key: &str,
        window_start: UnixSecs,
        window_seconds: i64,
    ) -> StoreResult<u32> {
        let mut rate = lock(&self.rate);
        // Forget windows that have ended; windows of other lengths live on.
        rate.retain(|_, (_, end)| *end > window_start);
        let (count, _) = rate
            .entry((key.to_string(), window_start))
            .or_insert((0, window_start + window_seconds));
        *count += 1;
        Ok(*count)
    }
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn record_event(&self, event: &AuditEvent, expires_at: UnixSecs) -> StoreResult<()> {
        lock(&self.audit).insert(event.id.clone(), (event.clone(), expires_at));
        Ok(())
    }

    async fn list_events(
        &self,
        user_id: Option<&UserId>,
        after: Option<&str>,
        limit: usize,
        now: UnixSecs,
    ) -> StoreResult<Page<AuditEvent>> {
        let audit = lock(&self.audit);
        let matching = audit.iter().filter(|(_, (e, exp))| {
            now < *exp && user_id.is_none_or(|u| e.user_id.as_deref() == Some(u))
        });
        Ok(page_desc(matching, |(e, _)| e.clone(), after, limit))
    }
}
