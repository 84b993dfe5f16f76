"""Accounts: organisations, officers, passwords and sign-in throttling. No HTTP here.

The CLI (`intervene users ...`), the admin pages and the sign-in page all call these functions,
so a rule about roles or passwords holds whichever door a change comes through.
"""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.db import begin_read_only, utcnow
from engine.errors import InvalidInput

from . import sign_in_throttle as throttle
from .account_models import ORGANISATION_KINDS, LoginThrottle, Organisation, User, UserSession
from .roles import ROLES_BY_ID, role_ids

#: NCSC advice is length over complexity; 12 characters keeps a three-word passphrase possible.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
#: The columns' sizes (account_models): checked here so that PostgreSQL never sees a longer value.
MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 200
#: A session ends on the server this long after sign-in, whatever the cookie says.
SESSION_LIFETIME = timedelta(hours=8)
#: ~20,000 passwords most common in breaches, from Django (see common_passwords_LICENSE.txt).
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
#: Five wrong passwords for one email address lock that address for 15 minutes.
EMAIL_MAX_FAILURES = 5
#: A client address gets more tries, because an office behind one NAT address shares it.
IP_MAX_FAILURES = 20
LOCK_MINUTES = 15
WINDOW = timedelta(minutes=LOCK_MINUTES)

#: argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Tests swap in a cheaper one.
HASHER = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class SignInRefused(InvalidInput):
    """Wrong email or password, or too many tries: the message never says which emails exist."""

    def __init__(self, message: str, *, is_locked: bool = False):
        self.is_locked = is_locked
        super().__init__(message)


WRONG_DETAILS = "Enter a correct email address and password"
LOCKED_OUT = f"You have tried to sign in too many times. Wait {LOCK_MINUTES} minutes and try again"


def normalise_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > MAX_EMAIL_LENGTH:
        raise InvalidInput(f"The email address must be {MAX_EMAIL_LENGTH} characters or fewer")
    if not _EMAIL.match(value):
        raise InvalidInput("Enter an email address in the correct format, like name@example.gov.uk")
    return value


def check_display_name(name: str | None) -> str:
    value = (name or "").strip()
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidInput(f"The name must be {MAX_NAME_LENGTH} characters or fewer")
    return value


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def check_password(password: str) -> str:
    if not password:
        raise InvalidInput("Enter a password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long")
    if password.strip().lower() in common_passwords():
        raise InvalidInput("This password is too common and easy to guess: choose another, like three "
                           "random words")
    return password


def email_domains(session: Session, organisation_id: str) -> list[str]:
    organisation = session.get(Organisation, organisation_id)
    return list(organisation.email_domains or []) if organisation is not None else []


def set_email_domains(session: Session, organisation_id: str, domains: list[str]) -> list[str]:
    """The domains officers' addresses must end in, lower-cased, without "@", each checked."""
    cleaned: list[str] = []
    for domain in domains:
        value = (domain or "").strip().lower().removeprefix("@")
        if not _DOMAIN.match(value):
            raise InvalidInput(f"'{domain}' is not an email domain like trafford.gov.uk")
        if value not in cleaned:
            cleaned.append(value)
    organisation = ensure_organisation(session, organisation_id)
    organisation.email_domains = cleaned
    session.flush()
    return cleaned


def check_email_domain(organisation: Organisation, address: str) -> None:
    """An address of one of the organisation's domains, exactly (not a subdomain), when it has any."""
    domains = list(organisation.email_domains or [])
    if domains and address.rsplit("@", 1)[-1] not in domains:
        raise InvalidInput("Enter an email address ending " + " or ".join(f"@{d}" for d in domains))


def hash_password(password: str) -> str:
    return HASHER.hash(check_password(password))


def _register_organisations() -> dict[str, tuple[str, str]]:
    """Organisations the schools register knows: LA codes and DfE region ids -> (name, kind)."""
    from .gias import local_authorities

    known: dict[str, tuple[str, str]] = {}
    for la in local_authorities().values():
        known[la.la_code] = (la.la_name, "la")
        known[la.region_id] = (f"DfE {la.region_name} region", "region")
    return known


def ensure_organisation(session: Session, organisation_id: str, name: str | None = None,
                        kind: str | None = None) -> Organisation:
    """The organisation, created if the register knows its id or a name and kind are given."""
    key = (organisation_id or "").strip()
    organisation = session.get(Organisation, key)
    if organisation is not None:
        if name and name.strip() and organisation.name != name.strip():
            organisation.name = name.strip()
        return organisation
    known = _register_organisations().get(key)
    name = (name or "").strip() or (known[0] if known else "")
    kind = kind or (known[1] if known else None)
    if not key or not name or kind is None:
        raise InvalidInput(f"unknown organisation '{organisation_id}': give an LA code (like 358) or a DfE "
                           "region id (like dfe-north-west), or create it with a name and kind")
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"an organisation's kind is one of {', '.join(ORGANISATION_KINDS)}, not '{kind}'")
    organisation = Organisation(id=key, name=name, kind=kind, created_at=utcnow())
    session.add(organisation)
    session.flush()
    return organisation


def check_roles(organisation: Organisation, roles: list[str] | tuple[str, ...]) -> list[str]:
    if not roles:
        raise InvalidInput("Select at least one role")
    allowed = role_ids(organisation.kind)
    result: list[str] = []
    for role in roles:
        if role not in ROLES_BY_ID:
            raise InvalidInput(f"unknown role '{role}'; roles are: {', '.join(role_ids())}")
        if role not in allowed:
            raise InvalidInput(f"the role '{role}' is not held in a {_kind_name(organisation.kind)}; "
                               f"choose from: {', '.join(allowed)}")
        if role not in result:
            result.append(role)
    return result


def _kind_name(kind: str) -> str:
    return "local authority" if kind == "la" else "DfE region"


def create_user(session: Session, email: str, password: str, organisation_id: str, roles: list[str],
                display_name: str | None = None) -> User:
    address = normalise_email(email)
    name = check_display_name(display_name)
    organisation = ensure_organisation(session, organisation_id)
    check_email_domain(organisation, address)
    checked = check_roles(organisation, list(roles))
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise InvalidInput(f"there is already a user with the email address {address}")
    user = User(email=address, display_name=name or address.split("@")[0][:MAX_NAME_LENGTH],
                password_hash=hash_password(password), organisation_id=organisation.id, roles=checked,
                is_active=True, failed_logins=0, created_at=utcnow())
    user.organisation = organisation
    session.add(user)
    session.flush()
    return user


def set_roles(session: Session, user: User, roles: list[str]) -> User:
    user.roles = check_roles(user.organisation, list(roles))
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> User:
    """A new password ends every session of the officer: whoever knew the old one is signed out."""
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    session.flush()
    return user


def change_own_password(session: Session, user: User, current: str, new: str,
                        now: datetime | None = None) -> None:
    """The officer's own change: the current password must be right (InvalidInput otherwise).

    Wrong guesses count against the officer's email address exactly as failed sign-ins do, so a
    borrowed session cannot be used to guess the password; the caller commits even on failure.
    """
    now, key = now or utcnow(), f"email:{user.email}"[:400]
    if throttle.locked_keys(session, [key], now):
        raise InvalidInput(LOCKED_OUT)
    if not verify_password(user, current):
        count = throttle.count_failure(session, key, now, EMAIL_MAX_FAILURES, WINDOW)
        user.failed_logins, user.locked_until = count.failures, count.locked_until
        session.flush()
        raise InvalidInput(LOCKED_OUT if count.failures >= EMAIL_MAX_FAILURES else "Your current password is not right")
    set_password(session, user, new)


# --- Server-side sessions ------------------------------------------------------------------------

def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: User) -> str:
    """A new session for the officer; the returned token goes in the cookie, its hash here."""
    token, now = secrets.token_urlsafe(32), utcnow()
    # The officer's sessions that have run out are no use to anyone: forget them here.
    session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                              UserSession.created_at <= now - SESSION_LIFETIME))
    session.add(UserSession(id=_token_key(token), user_id=user.id, created_at=now))
    session.flush()
    return token


def session_user(session: Session, token: str | None, now: datetime | None = None) -> User | None:
    """The active officer whose unexpired session this token is, or None."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = session.get(UserSession, _token_key(token))
    if row is None or row.created_at + SESSION_LIFETIME <= (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def end_session(session: Session, token: str | None) -> None:
    if token and isinstance(token, str):
        session.execute(delete(UserSession).where(UserSession.id == _token_key(token)))


def end_sessions(session: Session, user: User) -> None:
    """Sign the officer out everywhere (a new password; an administrator stopping the account)."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def verify_password(user: User, password: str) -> bool:
    try:
        return HASHER.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == (email or "").strip().lower()))


def users_of(session: Session, organisation_id: str | None = None) -> list[User]:
    query = select(User).order_by(User.organisation_id, User.display_name, User.email)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(session.scalars(query))


# --- Sign-in -----------------------------------------------------------------------------------

#: Verified against when the email is unknown, so that a wrong address takes as long as a wrong
#: password; made with the current HASHER's parameters, so both cost the same.
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    key = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = HASHER.hash("not a password of anyone's")
    return _DUMMY_HASHES[key]


@dataclass(frozen=True)
class _Keys:
    email: str
    ip: str


def authenticate(session: Session, email: str, password: str, client_ip: str | None,
                 now: datetime | None = None) -> User:
    """The user whose email and password these are; SignInRefused otherwise.

    Failures are counted per email address (known or not) and per client address; while either is
    locked no password is checked at all. The password is checked with no transaction open (it
    takes a good part of a second by design): the lookups are committed first, so call this before
    the session holds anything else. The caller must commit even when this raises, or the failure
    is not counted.
    """
    now = now or utcnow()
    address = (email or "").strip().lower()
    keys = _Keys(f"email:{address}"[:400], f"ip:{client_ip or 'unknown'}"[:400])
    if not session.in_transaction():
        begin_read_only(session)
    if throttle.locked_keys(session, [keys.email, keys.ip], now):
        raise SignInRefused(LOCKED_OUT, is_locked=True)
    user = user_by_email(session, address) if address else None
    session.commit()  # end the reads: neither the write lock nor a row is held while argon2 runs
    if user is not None and user.is_active and verify_password(user, password):
        _signed_in(session, user, password, keys, now)
        return user
    if user is None:
        verify_password(User(password_hash=_dummy_hash()), password)
    by_email = throttle.count_failure(session, keys.email, now, EMAIL_MAX_FAILURES, WINDOW)
    by_ip = throttle.count_failure(session, keys.ip, now, IP_MAX_FAILURES, WINDOW)
    if user is not None:
        user.failed_logins, user.locked_until = by_email.failures, by_email.locked_until
    session.flush()
    locked = by_email.failures >= EMAIL_MAX_FAILURES or by_ip.failures >= IP_MAX_FAILURES
    raise SignInRefused(LOCKED_OUT if locked else WRONG_DETAILS, is_locked=locked)


def _signed_in(session: Session, user: User, password: str, keys: _Keys, now: datetime) -> None:
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    throttle.forget(session, keys.email)
    user.failed_logins, user.locked_until, user.last_signed_in_at = 0, None, now
    session.flush()


def unlock(session: Session, user: User) -> None:
    """Let a locked-out officer try again now (their administrator vouches for them)."""
    row = session.get(LoginThrottle, f"email:{user.email}")
    if row is not None:
        session.delete(row)
    user.failed_logins, user.locked_until = 0, None
    session.flush()

