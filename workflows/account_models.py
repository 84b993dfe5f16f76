"""Who may sign in: organisations (a local authority or a DfE region) and their officers.

An organisation's id is what `process_instances.owner` holds for the cases it owns: an LA's GIAS
code ("358") or a DfE region id ("dfe-north-west"); visibility (workflows.access) compares the two.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, utcnow

ORGANISATION_KINDS = ("la", "region")


class Organisation(Base):
    __tablename__ = "organisations"

    #: An LA's GIAS "LA (code)" ("358") or a DfE region id ("dfe-north-west").
    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: "la" or "region": decides which roles (workflows.roles) its users may hold.
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Lower-case domains ("trafford.gov.uk") its officers' addresses must end in; set by
    #: `intervene users set-domains` (the demo sets its own). Empty: administrators add nobody.
    email_domains: Mapped[list[str]] = mapped_column(JSON, default=list)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased on the way in, so sign-in and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: argon2id, encoded with its parameters (argon2-cffi's PasswordHasher format).
    password_hash: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: Role ids from workflows.roles, all of the organisation's kind.
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Failed sign-ins in the current window; mirrors the "email:" login throttle for admins to see.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The officer turned off the reminders before a deadline and the managers' digest (never the
    #: missed-deadline email, which workflows.reminders always sends).
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def organisation_kind(self) -> str:
        return self.organisation.kind


class LoginThrottle(Base):
    """Failed sign-ins per email address and per client address, whether or not the email exists.

    Kept apart from `users` so that an unknown address is throttled exactly like a known one and
    the lock-out message cannot tell anyone which addresses have accounts.
    """

    __tablename__ = "login_throttles"

    #: "email:<lower-cased address>" or "ip:<client address>".
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: Start of the counting window; failures older than the window are forgotten.
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; this row holds its SHA-256, so that
    sign-out, a password change or an administrator can end the session on the server and a
    copied cookie stops working, and a read of this table gives nobody a usable cookie."""

    __tablename__ = "user_sessions"

    #: hex SHA-256 of the token in the cookie.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
