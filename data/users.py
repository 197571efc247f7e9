"""Console users: creating them, roles, and password checks (argon2id via `argon2-cffi`)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from data import events
from data.addresses import InvalidAddress, normalize_email
from data.clock import utcnow
from data.events import Actor
from data.models import User
from data.vocab import EventKind, Role

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class InvalidUser(ValueError):
    """A user that cannot be created as asked; the message says why."""


#: What each role may open in the console.
ROLE_PAGES: dict[str, frozenset[str]] = {
    Role.OPERATOR: frozenset({"inbox"}),
    Role.MANAGER: frozenset({"inbox", "analytics", "knowledge"}),
    Role.OWNER: frozenset({"inbox", "analytics", "knowledge", "settings", "team"}),
}


def may_open(user: User, page: str) -> bool:
    return page in ROLE_PAGES.get(user.role, frozenset())


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUser(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def create(
    session: Session,
    workspace_id: int,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    phone: str | None = None,
    receives_alerts: bool = False,
) -> User:
    """A new console user. Emails are unique across workspaces (one sign-in, one workspace)."""
    if role not in set(Role):
        raise InvalidUser(f"Role must be one of {', '.join(Role)} (got {role!r}).")
    try:
        email = normalize_email(email)
    except InvalidAddress as exc:
        raise InvalidUser(str(exc)) from exc
    if by_email(session, email) is not None:
        raise InvalidUser(f"A user with email {email} already exists.")
    user = User(
        workspace_id=workspace_id,
        email=email,
        display_name=(display_name or email.split("@")[0]).strip(),
        role=role,
        password_hash=hash_password(password),
        phone=phone,
        receives_alerts=receives_alerts,
    )
    session.add(user)
    session.flush()
    return user


def by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def get(session: Session, workspace_id: int, user_id: int) -> User | None:
    return session.exec(
        select(User).where(User.workspace_id == workspace_id, User.id == user_id)
    ).first()


def list_users(session: Session, workspace_id: int) -> list[User]:
    return list(
        session.exec(select(User).where(User.workspace_id == workspace_id).order_by(col(User.id)))
    )


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Verifies a hash even for an
    unknown email so that timing does not tell which emails exist."""
    user = by_email(session, email)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    session.add(user)
    return user


_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def _active_owners(session: Session, workspace_id: int) -> int:
    return len([u for u in list_users(session, workspace_id) if u.active and u.role == Role.OWNER])


def change(
    session: Session,
    user: User,
    actor: Actor,
    *,
    role: str | None = None,
    active: bool | None = None,
) -> bool:
    """Change a user's role or switch them off (people are deactivated, not deleted: their
    name stays on what they sent). A workspace always keeps one active owner, and nobody
    locks themselves out."""
    new_role = role if role is not None else user.role
    new_active = active if active is not None else user.active
    if new_role not in set(Role):
        raise InvalidUser(f"Role must be one of {', '.join(Role)} (got {new_role!r}).")
    if (new_role, new_active) == (user.role, user.active):
        return False
    if actor.user_id == user.id and (not new_active or new_role != user.role):
        raise InvalidUser("You can't change your own role or remove yourself.")
    was_owner = user.active and user.role == Role.OWNER
    demoted = new_role != Role.OWNER or not new_active
    if was_owner and demoted and _active_owners(session, user.workspace_id) <= 1:
        raise InvalidUser("A workspace needs at least one active owner.")
    change = {"from": {"role": user.role, "active": user.active}}
    user.role, user.active = new_role, new_active
    session.add(user)
    events.record(
        session,
        user.workspace_id,
        EventKind.SETTINGS_CHANGED,
        actor,
        data={**change, "to": {"role": new_role, "active": new_active}, "user_id": user.id},
    )
    return True


def set_receives_alerts(session: Session, user: User, enabled: bool, actor: Actor) -> bool:
    """Whether `user` gets escalation alerts (by SMS to their mobile, if they have one, and by
    email); a settings_changed Event records the switch. Returns whether anything changed."""
    if user.receives_alerts == enabled:
        return False
    if enabled and not user.active:
        raise InvalidUser(f"{user.display_name} is switched off: switch them on first.")
    user.receives_alerts = enabled
    session.add(user)
    events.record(
        session,
        user.workspace_id,
        EventKind.SETTINGS_CHANGED,
        actor,
        data={
            "user_id": user.id,
            "changes": {"receives_alerts": {"from": not enabled, "to": enabled}},
        },
    )
    return True
