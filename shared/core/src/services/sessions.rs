//! Sessions: start, rotate with reuse detection, revoke. Revoking a session
//! blacklists every access token it issued that may still be alive.

use crate::domain::{SessionId, UserId};
use crate::error::{AccessError, ApiError, SignInError};
use serde_json::json;

use super::security::ClientMeta;
use crate::app::{Core, Sockets};
use crate::auth::refresh::RefreshToken;
use crate::clock::{UnixMillis, UnixSecs};
use crate::crypto::constant_time_eq;
use crate::domain::{
    AuditType, CredentialChange, LiveJti, Session, User, UserChanges, UserRecord,
    ROTATED_HASHES_KEPT,
};
use crate::tokens::{accepted_until, IssuedToken};
use crate::Caller;

/// A user's live sessions at most; a new sign-in beyond it revokes the oldest.
pub const MAX_LIVE_SESSIONS: usize = 50;

/// Everything a login or refresh hands to the client.
pub struct IssuedSession {
    pub session: Session,
    pub user: User,
    pub access: IssuedToken,
    pub refresh_token: String,
}

impl IssuedSession {
    pub fn refresh_expires_in(&self, now: UnixSecs) -> i64 {
        (self.session.expires_at - now).max(0)
    }
}

/// Sessions: start, rotate, revoke; every credential change goes through here.
#[derive(Clone, Copy)]
pub struct Sessions<'a> {
    pub(super) core: &'a Core,
    sockets: Sockets<'a>,
}

crate::service!(Sessions<'a> { sockets: Sockets<'a> });

impl Sessions<'_> {
    /// Starts a session in the account's current credential generation; past
    /// [`MAX_LIVE_SESSIONS`] the oldest live ones are revoked.
    pub async fn start_session(
        &self,
        record: &UserRecord,
        device_name: Option<String>,
        meta: &ClientMeta,
    ) -> Result<IssuedSession, ApiError> {
        let user = &record.user;
        let now_ms = self.core.clock.now_ms();
        let now = now_ms.to_secs();
        let session_id = SessionId::generate();
        let refresh = RefreshToken::new(&user.id, &session_id);
        let access = self
            .core
            .tokens
            .issue(&user.id, &session_id, user.role, now)?;
        let absolute = now + self.core.settings.session_max_seconds;
        let session = Session {
            id: session_id.clone(),
            user_id: user.id.clone(),
            refresh_hash: refresh.hash(),
            rotated_hashes: Vec::new(),
            access_jtis: vec![LiveJti {
                jti: access.jti.clone(),
                expires_at: access.expires_at,
            }],
            device_name,
            user_agent: meta.user_agent.clone(),
            created_at: now_ms,
            last_used_at: now_ms,
            expires_at: (now + self.core.settings.refresh_token_ttl_seconds).min(absolute),
            absolute_expires_at: absolute,
            revoked: false,
            authenticated_at: now,
            credential_generation: record.credential_generation,
        };
        self.core.store.create_session(&session).await?;
        // The sign-in stands either way; a failed cap is finished by the next.
        self.core
            .after_commit("session cap", self.cap_sessions(&user.id))
            .await;
        Ok(IssuedSession {
            session,
            user: user.clone(),
            access,
            refresh_token: refresh.encode(),
        })
    }

    /// Rotates the refresh token. A rotated-away token revokes the whole session.
    pub async fn rotate_session(
        &self,
        raw: &str,
        meta: &ClientMeta,
    ) -> Result<IssuedSession, ApiError> {
        let presented = RefreshToken::parse(raw).ok_or(AccessError::Unauthenticated)?;
        let (session, user) = tokio::try_join!(
            self.core
                .store
                .session(&presented.user_id, &presented.session_id),
            self.core.store.user_by_id(&presented.user_id),
        )?;
        let (Some(session), Some(user)) = (session, user) else {
            return Err(AccessError::Unauthenticated.into());
        };
        let now_ms = self.core.clock.now_ms();
        let now = now_ms.to_secs();
        if !session.is_live(now) {
            return Err(AccessError::Unauthenticated.into());
        }
        if !user.admits_session(&session) {
            // A credential change came after this session began; finish the
            // revocation that change started, in case it was interrupted.
            self.revoke_session(&session.user_id, &session.id).await?;
            return Err(AccessError::Unauthenticated.into());
        }
        let hash = presented.hash();
        if !constant_time_eq(&hash, &session.refresh_hash) {
            return Err(self.refresh_mismatch(&session, &hash, meta).await);
        }
        let next_refresh = RefreshToken::new(&user.user.id, &session.id);
        let access = self
            .core
            .tokens
            .issue(&user.user.id, &session.id, user.user.role, now)?;
        let next = rotated(
            &session,
            &hash,
            &next_refresh,
            &access,
            now_ms,
            self.core.settings.refresh_token_ttl_seconds,
        );
        if !self.core.store.replace_session_if(&next, &hash).await? {
            // Another request rotated this token first: the same token was used twice.
            return Err(self.refresh_reused(&session, meta).await);
        }
        Ok(IssuedSession {
            session: next,
            user: user.user,
            access,
            refresh_token: next_refresh.encode(),
        })
    }

    async fn refresh_mismatch(&self, session: &Session, hash: &str, meta: &ClientMeta) -> ApiError {
        let was_rotated = session
            .rotated_hashes
            .iter()
            .any(|h| constant_time_eq(h, hash));
        if was_rotated {
            self.refresh_reused(session, meta).await
        } else {
            ApiError::Access(AccessError::Unauthenticated)
        }
    }

    async fn refresh_reused(&self, session: &Session, meta: &ClientMeta) -> ApiError {
        if let Err(e) = self.revoke_session(&session.user_id, &session.id).await {
            return e;
        }
        let detail = json!({ "session_id": session.id });
        match self
            .core
            .audit(
                AuditType::RefreshReuse,
                Some(&session.user_id),
                meta,
                detail,
            )
            .await
        {
            Ok(()) => ApiError::SignIn(SignInError::RefreshReused),
            Err(e) => e,
        }
    }

    /// `true` if the session existed and was live until now. The blacklist is
    /// written before the session is marked revoked, and again for whatever a
    /// concurrent refresh added, so a failure anywhere is completed by a retry.
    /// Its WebSocket connections are closed too.
    pub async fn revoke_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> Result<bool, ApiError> {
        let revoked = self.revoke_tokens_of(user_id, session_id).await?;
        self.sockets
            .close_connections(user_id, |c| c.session_id == *session_id)
            .await?;
        Ok(revoked)
    }

    async fn revoke_tokens_of(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> Result<bool, ApiError> {
        let Some(before) = self.core.store.session(user_id, session_id).await? else {
            return Ok(false);
        };
        self.blacklist(&before.access_jtis, &[]).await?;
        let Some(marked) = self.core.store.revoke_session(user_id, session_id).await? else {
            return Ok(false);
        };
        self.blacklist(&marked.access_jtis, &before.access_jtis)
            .await?;
        Ok(true)
    }

    /// Blacklists the tokens of `jtis` not in `done` that verification could still accept.
    async fn blacklist(&self, jtis: &[LiveJti], done: &[LiveJti]) -> Result<(), ApiError> {
        let now = self.core.clock.now_secs();
        let live: Vec<LiveJti> = jtis
            .iter()
            .filter(|j| !done.contains(j))
            .map(|j| LiveJti {
                jti: j.jti.clone(),
                expires_at: accepted_until(j.expires_at),
            })
            .filter(|j| j.expires_at > now)
            .collect();
        if !live.is_empty() {
            self.core.store.revoke_tokens(&live).await?;
        }
        Ok(())
    }

    /// Revokes every session of the user but `keep`, closes their sockets and
    /// returns how many were revoked. With no `keep`, every socket of the user
    /// is closed.
    pub async fn revoke_all_sessions(
        &self,
        user_id: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<usize, ApiError> {
        let sessions = self.core.store.sessions_of(user_id).await?;
        let targets = sessions
            .iter()
            .filter(|s| !s.revoked && Some(&s.id) != keep)
            .map(|s| self.revoke_tokens_of(user_id, &s.id));
        let revoked = futures::future::try_join_all(targets).await?;
        self.sockets
            .close_connections(user_id, |c| Some(&c.session_id) != keep)
            .await?;
        Ok(revoked.into_iter().filter(|r| *r).count())
    }

    /// Revokes the oldest live sessions beyond [`MAX_LIVE_SESSIONS`], so that
    /// revoking every session of a user stays bounded work.
    async fn cap_sessions(&self, user_id: &UserId) -> Result<(), ApiError> {
        let now = self.core.clock.now_secs();
        let mut live = self.core.store.sessions_of(user_id).await?;
        live.retain(|s| s.is_live(now));
        let excess = live.len().saturating_sub(MAX_LIVE_SESSIONS);
        if excess == 0 {
            return Ok(());
        }
        live.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        for oldest in &live[..excess] {
            self.revoke_session(user_id, &oldest.id).await?;
        }
        Ok(())
    }

    /// Applies `changes` as a change to how the account signs in: the
    /// credential generation goes up in the same write (voiding every
    /// outstanding `mfa_token`, provider login code and reset link, and the
    /// refresh of every session but `keep`), then the other sessions are
    /// revoked. Returns the updated account and how many sessions went.
    pub(super) async fn change_credentials(
        &self,
        user_id: &UserId,
        mut changes: UserChanges,
        keep: Option<&SessionId>,
    ) -> Result<(UserRecord, usize), ApiError> {
        changes.credentials = Some(match keep {
            Some(session_id) => CredentialChange::keeping(session_id),
            None => CredentialChange::all_sessions(),
        });
        let record = self.core.store.update_user(user_id, &changes).await?;
        let record = record.ok_or(AccessError::Unauthenticated)?;
        let revoked = self.revoke_all_sessions(user_id, keep).await?;
        Ok((record, revoked))
    }

    /// Ends the caller's own session.
    pub async fn logout(&self, caller: &Caller) -> Result<bool, ApiError> {
        self.revoke_session(caller.user_id(), caller.session_id())
            .await
    }

    /// Ends every session of the caller's (a credential change: pending
    /// sign-ins die too); returns how many.
    pub async fn logout_all(&self, caller: &Caller) -> Result<usize, ApiError> {
        let changes = UserChanges::default();
        let (_, revoked) = self
            .change_credentials(caller.user_id(), changes, None)
            .await?;
        Ok(revoked)
    }

    /// Ends one of the caller's own sessions; `false` if there is no such live one.
    pub async fn revoke_own_session(
        &self,
        caller: &Caller,
        session_id: &SessionId,
    ) -> Result<bool, ApiError> {
        self.revoke_session(caller.user_id(), session_id).await
    }
}

fn rotated(
    session: &Session,
    old_hash: &str,
    refresh: &RefreshToken,
    access: &IssuedToken,
    now_ms: UnixMillis,
    refresh_ttl: i64,
) -> Session {
    let now = now_ms.to_secs();
    let mut next = session.clone();
    next.rotated_hashes.push(old_hash.to_string());
    let excess = next
        .rotated_hashes
        .len()
        .saturating_sub(ROTATED_HASHES_KEPT);
    next.rotated_hashes.drain(..excess);
    next.access_jtis
        .retain(|j| accepted_until(j.expires_at) > now);
    next.access_jtis.push(LiveJti {
        jti: access.jti.clone(),
        expires_at: access.expires_at,
    });
    next.refresh_hash = refresh.hash();
    next.last_used_at = now_ms;
    next.expires_at = (now + refresh_ttl).min(session.absolute_expires_at);
    next
}
