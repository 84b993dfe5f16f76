"""Personal API tokens: an officer's key to the JSON API, kept only as a hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, utcnow

from .account_models import User


class ApiToken(Base):
    """A token the officer created at /account/tokens. The secret is shown once and never stored:
    this row holds its SHA-256, so a read of the table gives nobody a usable token. A request with
    the token acts as the officer, with the officer's organisation and roles as they are now."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: What the officer called it ("Trafford case reports"), to tell their tokens apart.
    name: Mapped[str] = mapped_column(String(100))
    #: hex SHA-256 of the whole secret (prefix included).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Stamped at most once a minute, so reads do not each take a write lock.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
