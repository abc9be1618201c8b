"""Login and roles for the app.

Authentication is enabled when ``.streamlit/secrets.toml`` has an ``[auth.users.<name>]``
section; each user has a bcrypt ``password_hash`` and a ``role`` (viewer | manager | admin)::

    [auth.users.alice]
    password_hash = "$2b$12$..."    # python -c "import bcrypt; print(bcrypt.hashpw(b'pw', bcrypt.gensalt()).decode())"
    role = "manager"

Without that section the app runs as a local single user with the admin role and says so in
the sidebar. Passwords and hashes are never logged or shown; a failed login says only that the
name or password is wrong.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from typing import Any

import bcrypt
import streamlit as st

from reports import access
from reports.i18n import Lang
from reports.ui.labels import t

# compared against when the user name is unknown, so both cases take the same time
_DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=4))
MAX_FAILURES = 5
LOCKOUT_S = 30.0


def users() -> dict[str, Mapping[str, Any]] | None:
    """The configured users, or None when authentication is not configured."""
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, KeyError, Exception):  # no secrets file at all, or an unreadable one
        return None
    if not section or not hasattr(section, "get"):
        return None
    found = section.get("users")
    if not found or not hasattr(found, "items"):
        return None
    return {str(name): entry for name, entry in found.items() if hasattr(entry, "get")}


def enabled() -> bool:
    return users() is not None


def check_password(entry: Mapping[str, Any] | None, password: str) -> bool:
    """Whether ``password`` matches the entry's bcrypt hash (a malformed hash never matches)."""
    stored = str(entry.get("password_hash", "")) if entry else ""
    try:
        hashed = stored.encode("utf-8") if stored.startswith("$2") else _DUMMY_HASH
        ok = bcrypt.checkpw(password.encode("utf-8"), hashed)
    except ValueError:
        return False
    return bool(ok and entry is not None and stored.startswith("$2"))


def authenticate(name: str, password: str, configured: Mapping[str, Mapping[str, Any]]) -> access.Viewer | None:
    """The viewer for a correct name and password, else None (a bad role also fails)."""
    entry = None
    for candidate, value in configured.items():
        if hmac.compare_digest(candidate.encode("utf-8"), name.strip().encode("utf-8")):
            entry = value
    if not check_password(entry, password) or entry is None:
        return None
    role = str(entry.get("role", "viewer"))
    if role not in access.ROLES:
        return None
    return access.Viewer(name.strip(), role)


def current_viewer() -> access.Viewer | None:
    """The logged-in viewer; the local admin without auth; None when a login is needed."""
    configured = users()
    if configured is None:
        return access.LOCAL_ADMIN
    saved = st.session_state.get("_viewer")
    if saved and saved[0] in configured:
        return access.Viewer(*saved)
    return None


def login_form(lang: Lang) -> None:
    """The login form; on success remembers the viewer and reruns."""
    configured = users() or {}
    left, middle, right = st.columns([1, 1.2, 1])
    with middle:
        st.title(t("app_title", lang))
        st.caption(t("login_intro", lang))
        locked_until = float(st.session_state.get("_locked_until", 0.0))
        with st.form("login", border=True):
            name = st.text_input(t("username", lang), key="login_name", autocomplete="username")
            password = st.text_input(t("password", lang), type="password", key="login_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(t("log_in", lang), type="primary", width="stretch")
        if not submitted:
            return
        if time.time() < locked_until:
            st.error(t("login_locked", lang, seconds=int(locked_until - time.time()) + 1))
            return
        viewer = authenticate(name, password, configured)
        if viewer is None:
            failures = int(st.session_state.get("_login_failures", 0)) + 1
            st.session_state["_login_failures"] = failures
            if failures >= MAX_FAILURES:
                st.session_state["_locked_until"] = time.time() + LOCKOUT_S
                st.session_state["_login_failures"] = 0
            st.error(t("login_failed", lang))
            return
        st.session_state["_login_failures"] = 0
        st.session_state["_viewer"] = (viewer.name, viewer.role, True)
        st.session_state.pop("login_password", None)
        st.rerun()


def logout() -> None:
    for name in ("_viewer", "login_password"):
        st.session_state.pop(name, None)


def sidebar_user(viewer: access.Viewer, lang: Lang) -> None:
    """Who is logged in (or that the app runs without login), and a log-out button."""
    box = st.sidebar.container(border=True)
    if viewer.authenticated:
        box.markdown(t("signed_in_as", lang, name=viewer.name, role=t(f"role_{viewer.role}", lang)))
        if box.button(t("log_out", lang), key="logout", width="stretch"):
            logout()
            st.rerun()
    else:
        box.markdown(t("local_mode", lang))
        box.caption(t("local_mode_help", lang))
