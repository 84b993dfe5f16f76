"""Create, list, use and revoke personal API tokens (workflows.api_token_models).

A token is `intervene_` followed by 32 random bytes (URL-safe base64): high entropy, so a plain
SHA-256 is enough to keep it (no salt or slow hash needed, unlike a password), and the prefix lets
secret scanners and officers recognise one pasted where it should not be.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.errors import InvalidInput, NotFound

from .account_models import User
from .api_token_models import ApiToken

PREFIX = "intervene_"
NAME_LIMIT = 100
#: A token longer than this is not one of ours; refused before hashing.
MAX_TOKEN_LENGTH = 200
#: last_used_at is stamped again only after this long, so a busy client does not write on every read.
USE_STAMP_INTERVAL = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_token_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Enter a name for the token")
    if len(name) > NAME_LIMIT:
        raise InvalidInput(f"The name must be {NAME_LIMIT} characters or fewer")
    return name


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the officer: (its row, the secret to show them once)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=check_token_name(name), token_hash=token_hash(secret), created_at=utcnow())
    session.add(row)
    session.flush()
    return row, secret


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The officer's tokens, active first, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                                          ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the officer's own tokens (another's is NotFound, as if it did not exist)."""
    row = session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def token_for(session: Session, secret: str | None) -> ApiToken | None:
    """The active token of an active officer that `secret` is, or None."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH or not secret.startswith(PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    return row


def needs_use_stamp(row: ApiToken, now: datetime | None = None) -> bool:
    return row.last_used_at is None or row.last_used_at <= (now or utcnow()) - USE_STAMP_INTERVAL


def stamp_use(session: Session, token_id: int, now: datetime | None = None) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now or utcnow()))
