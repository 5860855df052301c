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
import getpass
import re
import secrets as pysecrets
import sys
import tomllib
from pathlib import Path

import bcrypt
import streamlit as st

SECRETS = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"
NAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")


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
    hashes = dict(_editors().get("passwords", {}))
    stored = hashes.get(name)
    if not stored or not password:
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), str(stored).encode("ascii"))
    except ValueError:
        return False


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
            if check_password(name.strip(), password):
                st.session_state["editor"] = name.strip()
                st.rerun()
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
    SECRETS.write_text(text, encoding="utf-8")
    SECRETS.chmod(0o600)


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
    if _read().get("editors", {}).get("passwords"):
        return 0
    password = pysecrets.token_urlsafe(12)
    _write_password("editor", password)
    print(f"Tài khoản biên tập mặc định / default editor account: editor / {password}\n"
          f"(lưu dạng băm trong / stored hashed in {SECRETS}; đổi bằng / change with: python -m dashboard.auth add editor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
