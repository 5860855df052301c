"""Who may load data: viewers read; editors sign in before the upload action exists for them.

Two ways to be an editor:
- Streamlit's built-in authentication (st.login) when an identity provider is configured under [auth] in
  .streamlit/secrets.toml; the signed-in e-mail must be listed in [editors] emails = [...].
- The embedded default: [editors.passwords] name = "<bcrypt hash>" in .streamlit/secrets.toml (never committed).
  `python -m dashboard.auth add NAME` sets a password; `make run` creates a first editor with a random password
  (printed once) when none exists, so the app works out of the box.
"""
from __future__ import annotations

import argparse
import functools
import getpass
import logging
import os
import re
import secrets as pysecrets
import sys
import threading
import time
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
import streamlit as st

from etl.paths import ROOT

SECRETS = ROOT / ".streamlit" / "secrets.toml"
NAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
log = logging.getLogger("khuyencong.auth")

MAX_FAILURES, WINDOW_S = 5, 15 * 60


class SignInLimiter:
    """Failed sign-ins per key (a user name, a client address): after `limit` in `window` seconds, that key waits
    until its oldest failure leaves the window. Known and unknown names are counted alike."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_S, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, keys) -> float:
        """Seconds until these keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [0.0]
            for k in keys:
                recent = [t for t in self._failures.get(k, []) if now - t < self.window]
                self._failures[k] = recent
                if len(recent) >= self.limit:
                    waits.append(recent[-self.limit] + self.window - now)
            return max(waits)

    def failed(self, keys) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                self._failures.setdefault(k, []).append(now)

    def succeeded(self, keys) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


@st.cache_resource(show_spinner=False)
def limiter() -> SignInLimiter:
    """One limiter per server process, shared by every session (a new browser tab starts no new count)."""
    return SignInLimiter()


@functools.cache
def _dummy_hash() -> bytes:
    # Checked against when the name is unknown, so that an unknown name costs one bcrypt like a known one.
    return bcrypt.hashpw(pysecrets.token_bytes(16), bcrypt.gensalt())


def _editors() -> dict:
    try:
        return dict(st.secrets.get("editors", {}))
    except Exception:  # no secrets file at all: nobody is an editor
        return {}


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def current_editor() -> str | None:
    """The signed-in editor's name, or None for a viewer."""
    if st.session_state.get("editor"):
        return st.session_state["editor"]
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        email = str(st.user.get("email", ""))
        if email and email in list(_editors().get("emails", [])):
            return email
    return None


def check_password(name: str, password: str) -> bool:
    """Exactly one bcrypt check whatever the name: the time taken does not tell whether the name exists."""
    stored = dict(_editors().get("passwords", {})).get(name)
    try:
        hashed = str(stored).encode("ascii") if stored else _dummy_hash()
        ok = bcrypt.checkpw(password.encode("utf-8"), hashed)
    except ValueError:  # a malformed hash in secrets.toml: nobody signs in with it
        ok = False
    return ok and bool(stored) and bool(password)


def _client() -> str:
    try:
        return str(st.context.ip_address or "unknown")
    except Exception:  # outside a browser session (tests, bare mode)
        return "unknown"


def sign_in_form(lang: str) -> None:
    """The sign-in box shown to viewers on the upload page."""
    vi = lang == "vi"
    if oidc_configured():
        if st.button("Đăng nhập" if vi else "Sign in", icon=":material/login:"):
            st.login()
    with st.form("editor-sign-in"):
        name = st.text_input("Tên biên tập viên" if vi else "Editor name")
        password = st.text_input("Mật khẩu" if vi else "Password", type="password")
        if st.form_submit_button("Đăng nhập" if vi else "Sign in"):
            name, client = name.strip(), _client()
            keys = (f"name:{name.lower()}", f"client:{client}")
            wait = limiter().wait(keys)
            if wait > 0:
                log.warning("sign-in refused (too many failures): name=%r client=%s", name[:40], client)
                until = (datetime.now() + timedelta(seconds=wait)).strftime("%H:%M")
                minutes = max(1, round(wait / 60))
                st.error(f"Quá nhiều lần đăng nhập sai. Thử lại lúc {until} (khoảng {minutes} phút nữa)." if vi else
                         f"Too many failed sign-ins. Try again at {until} (in about {minutes} min).")
                return
            if check_password(name, password):
                limiter().succeeded(keys[:1])
                log.info("sign-in: name=%r client=%s", name[:40], client)
                st.session_state["editor"] = name
                st.rerun()
            limiter().failed(keys)
            log.warning("failed sign-in: name=%r client=%s", name[:40], client)  # never the password
            st.error("Sai tên hoặc mật khẩu." if vi else "Wrong name or password.")


def sign_out(lang: str) -> None:
    if st.button("Đăng xuất" if lang == "vi" else "Sign out", icon=":material/logout:"):
        st.session_state.pop("editor", None)
        if oidc_configured() and getattr(st.user, "is_logged_in", False):
            st.logout()
        st.rerun()


# ---------------------------------------------------------------- command line

def _read() -> dict:
    return tomllib.loads(SECRETS.read_text(encoding="utf-8")) if SECRETS.exists() else {}


def _write_password(name: str, password: str) -> None:
    """Add or replace one editor's hash, keeping the rest of secrets.toml as it is."""
    hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")
    SECRETS.parent.mkdir(exist_ok=True)
    text = SECRETS.read_text(encoding="utf-8") if SECRETS.exists() else ""
    line = f'{name} = "{hashed}"'
    if "[editors.passwords]" not in text:
        text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + "[editors.passwords]\n" + line + "\n"
    else:
        head, _, tail = text.partition("[editors.passwords]\n")
        rows = [r for r in tail.split("\n") if not r.startswith(f"{name} =")]
        text = head + "[editors.passwords]\n" + line + "\n" + "\n".join(rows).lstrip("\n")
    _write_private(SECRETS, text)


def _write_private(path: Path, text: str) -> None:
    """Owner-only from the first byte: a new file beside the old one, created 0600, then renamed over it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _terminal():
    """The terminal itself, not stdout: `make run > app.log` or a service's journal never gets what is written
    there. None when there is no terminal."""
    try:
        return open("/dev/tty", "w", encoding="utf-8")
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.auth", description="Manage editor accounts.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add", help="add an editor or change their password (asks for it)")
    add.add_argument("name")
    sub.add_parser("ensure-default", help="create editor 'editor' with a random password if no editor exists")
    args = parser.parse_args(argv)
    if args.cmd == "add":
        if not NAME.match(args.name):
            print("Tên chỉ gồm chữ, số, . _ - / Name: letters, digits, . _ - only", file=sys.stderr)
            return 2
        password = getpass.getpass("Mật khẩu / Password: ")
        if len(password) < 10:
            print("Mật khẩu tối thiểu 10 ký tự / Password: at least 10 characters", file=sys.stderr)
            return 2
        _write_password(args.name, password)
        print(f"Đã lưu / saved: {args.name} → {SECRETS}")
        return 0
    current = _read()
    if current.get("editors", {}).get("passwords"):
        return 0
    if "auth" in current:  # sign-in goes through the identity provider: no password account beside it
        print("Đăng nhập qua nhà cung cấp định danh ([auth]); không tạo tài khoản mật khẩu / "
              "sign-in is through the identity provider ([auth]); no password account created")
        return 0
    tty = _terminal()
    if tty is None:
        print("Không có terminal để hiện mật khẩu: chưa tạo biên tập viên; tạo bằng / no terminal to show a password "
              "on: no editor created; add one with: python -m dashboard.auth add editor", file=sys.stderr)
        return 0
    password = pysecrets.token_urlsafe(12)
    _write_password("editor", password)
    with tty:
        tty.write(f"Tài khoản biên tập mặc định / default editor account: editor / {password}\n"
                  f"(chỉ hiện một lần, lưu dạng băm trong / shown once, stored hashed in {SECRETS}; "
                  "đổi bằng / change with: python -m dashboard.auth add editor)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
