"""Who may write: failed sign-ins are limited and logged, an unknown name is indistinguishable from a known one, the
default editor is never created beside an identity provider, and secrets are owner-only from the first byte."""
from __future__ import annotations

import io
import logging
import os
import stat

import bcrypt
import pytest

from conftest import ROOT

from dashboard import auth


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_five_failures_in_fifteen_minutes_make_a_name_or_a_client_wait():
    clock = Clock()
    lim = auth.SignInLimiter(limit=5, window=900, clock=clock)
    for _ in range(4):
        lim.failed(["name:an", "client:1.2.3.4"])
        clock.now += 10
    assert lim.wait(["name:an"]) == 0
    lim.failed(["name:an", "client:1.2.3.4"])
    assert lim.wait(["name:an"]) == pytest.approx(900 - 40)
    assert lim.wait(["name:binh", "client:1.2.3.4"]) > 0  # the same client trying other names waits too
    assert lim.wait(["name:binh", "client:5.6.7.8"]) == 0
    clock.now += 900 - 40
    assert lim.wait(["name:an", "client:1.2.3.4"]) == 0  # the oldest failure has left the window


@pytest.fixture()
def editors(monkeypatch):
    hashed = bcrypt.hashpw(b"dung-mat-khau-123", bcrypt.gensalt(rounds=4)).decode()
    monkeypatch.setattr(auth, "_editors", lambda: {"passwords": {"an": hashed}})
    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))
    return calls


@pytest.mark.parametrize("name,password,ok", [("an", "sai", False), ("khong-co", "sai", False), ("an", "", False),
                                              ("khong-co", "", False), ("an", "dung-mat-khau-123", True)])
def test_every_sign_in_costs_exactly_one_bcrypt_check(editors, name, password, ok):
    assert auth.check_password(name, password) is ok
    assert len(editors) == 1  # unknown names and empty passwords too: the time taken does not tell who exists


def test_the_dummy_hash_costs_what_a_real_hash_costs():
    assert auth._dummy_hash()[:7] == bcrypt.gensalt()[:7]  # same algorithm and rounds as `auth add` writes


def test_the_sixth_try_waits_even_with_the_right_password_and_each_failure_is_logged(db_path, monkeypatch, caplog):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("KHUYENCONG_DB", str(db_path))
    auth.limiter.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["editors"] = {"passwords": {"an": bcrypt.hashpw(b"dung-mat-khau-123", bcrypt.gensalt(rounds=4)).decode()}}
    at.switch_page("pages/nhap_bao_cao.py")
    at.run()

    def sign_in(name, password):
        at.text_input[0].input(name)
        at.text_input[1].input(password)
        next(b for b in at.button if b.label == "Đăng nhập").click().run()
        return [e.value for e in at.error]

    with caplog.at_level(logging.INFO, logger="khuyencong.auth"):
        for i in range(5):
            assert any("Sai tên" in e for e in sign_in("an", f"sai-mat-khau-{i}"))
        refused = sign_in("an", "dung-mat-khau-123")
        assert len(at.get("file_uploader")) == 0
        assert any("Quá nhiều lần đăng nhập sai" in e and "Thử lại lúc" in e for e in refused), refused
        # an unknown name gets the same answer: the limit does not tell who exists
        assert any("Sai tên" in e for e in sign_in("khong-co-ai", "sai-mat-khau"))
    failures = [r.getMessage() for r in caplog.records if "failed sign-in" in r.getMessage()]
    assert len(failures) == 6 and all("'an'" in f or "khong-co-ai" in f for f in failures)
    assert not any("sai-mat-khau" in r.getMessage() or "dung-mat-khau" in r.getMessage() for r in caplog.records)
    auth.limiter.clear()


@pytest.fixture()
def secrets_file(tmp_path, monkeypatch):
    path = tmp_path / ".streamlit" / "secrets.toml"
    path.parent.mkdir()
    monkeypatch.setattr(auth, "SECRETS", path)
    return path


def test_no_password_editor_beside_an_identity_provider(secrets_file, monkeypatch):
    text = '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "x"\n'
    secrets_file.write_text(text, encoding="utf-8")
    monkeypatch.setattr(auth, "_terminal", lambda: io.StringIO())
    assert auth.main(["ensure-default"]) == 0
    assert secrets_file.read_text(encoding="utf-8") == text


class Tty(io.StringIO):
    def close(self):
        self.seen = self.getvalue()
        super().close()


def test_the_default_password_goes_to_the_terminal_only_and_the_file_is_owner_only(secrets_file, monkeypatch, capsys):
    tty = Tty()
    monkeypatch.setattr(auth, "_terminal", lambda: tty)
    old = os.umask(0)  # even with a permissive umask
    try:
        assert auth.main(["ensure-default"]) == 0
    finally:
        os.umask(old)
    password = tty.seen.split("editor / ")[1].split()[0]
    out = capsys.readouterr()
    assert password not in out.out and password not in out.err  # stdout may be a log file
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert password not in secrets_file.read_text(encoding="utf-8")
    assert auth.main(["ensure-default"]) == 0 and tty.seen.count("editor / ") == 1  # shown once


def test_no_terminal_no_default_editor(secrets_file, monkeypatch, capsys):
    monkeypatch.setattr(auth, "_terminal", lambda: None)
    assert auth.main(["ensure-default"]) == 0
    assert not secrets_file.exists()
    assert "dashboard.auth add editor" in capsys.readouterr().err


def test_rewriting_a_world_readable_secrets_file_leaves_it_owner_only(secrets_file):
    secrets_file.write_text("[editors.passwords]\n", encoding="utf-8")
    secrets_file.chmod(0o644)
    auth._write_password("binh", "mat-khau-dai-du-10")
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert "binh = " in secrets_file.read_text(encoding="utf-8")
