"""The `[wechat]` section: optional, validated, and its secrets kept out of logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.logs import setup_logging
from tests.wechat.conftest import AES_KEY

ACCOUNT = {"HEMEI_WECHAT__APP_ID": "wx49f0ab532d5d035a", "HEMEI_WECHAT__APP_SECRET": "s3cr3t-app-secret-value",
           "HEMEI_WECHAT__TOKEN": "callback-token-value", "HEMEI_WECHAT__ENCODING_AES_KEY": AES_KEY}


def test_wechat_is_off_by_default() -> None:
    assert not load_config(None, {}).wechat.enabled


def test_an_account_from_the_environment_is_on_in_safe_mode() -> None:
    wechat = load_config(None, ACCOUNT).wechat

    assert (wechat.enabled, wechat.safe_mode, wechat.app_secret.get_secret_value()) == (
        True, True, "s3cr3t-app-secret-value")


def test_an_app_id_without_secret_and_token_is_named() -> None:
    with pytest.raises(ConfigError, match=r"wechat\.app_secret and wechat\.token are required"):
        load_config(None, {"HEMEI_WECHAT__APP_ID": "wx1"})


def test_a_malformed_aes_key_is_named_without_its_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"wechat\.encoding_aes_key: .*43-character") as refused:
        load_config(None, {**ACCOUNT, "HEMEI_WECHAT__ENCODING_AES_KEY": "short-and-secret"})

    assert "short-and-secret" not in str(refused.value)


def test_template_ids_per_kind_come_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[wechat.templates]\n"report.status_changed" = "TPL-1"\n', encoding="utf-8")

    assert load_config(path, {}).wechat.templates == {"report.status_changed": "TPL-1"}


def test_a_template_for_an_unknown_kind_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[wechat.subscriptions]\nreport_update = "TPL-1"\n', encoding="utf-8")

    with pytest.raises(ConfigError, match=r"wechat\.subscriptions: .*unknown message kind 'report_update'"):
        load_config(path, {})


def test_a_templates_keywords_come_from_the_file_and_default_to_thing1_and_time2(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[wechat.subscriptions]\n"report.status_changed" = "SUB-1"\n'
                    '[wechat.templates]\n"meeting.reminder" = "TPL-1"\n'
                    '[wechat.fields]\n"SUB-1" = { text = "thing3", time = "date5" }\n', encoding="utf-8")
    wechat = load_config(path, {}).wechat

    assert (wechat.fields_of("SUB-1").text, wechat.fields_of("SUB-1").time) == ("thing3", "date5")
    assert (wechat.fields_of("TPL-1").text, wechat.fields_of("TPL-1").time) == ("thing1", "time2")


@pytest.mark.parametrize(("fields", "problem"), [
    ('"SUB-2" = { text = "thing3" }', r"wechat: .*'SUB-2', which is no template id"),
    ('"SUB-1" = { text = "phrase3" }', r"wechat\.fields\.SUB-1\.text: .*thing"),  # 5 characters: too short
    ('"SUB-1" = { time = "thing4" }', r"wechat\.fields\.SUB-1\.time: .*time\|date"),
    ('"SUB-1" = { text = "thing3", title = "thing1" }', r"wechat\.fields\.SUB-1\.title: Extra inputs"),
])
def test_a_wrong_template_keyword_is_refused_by_name(tmp_path: Path, fields: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[wechat.subscriptions]\n"report.status_changed" = "SUB-1"\n[wechat.fields]\n{fields}\n',
                    encoding="utf-8")

    with pytest.raises(ConfigError, match=problem):
        load_config(path, {})


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_wechat_secrets_and_access_tokens_never_reach_the_log(log_stream: io.StringIO) -> None:
    wechat = load_config(None, ACCOUNT).wechat
    setup_logging("INFO", wechat.secrets(), log_stream)
    log = logging.getLogger("test.wechat")

    log.info("secret %s token %s key %s", "s3cr3t-app-secret-value", "callback-token-value", AES_KEY)
    log.info("GET https://api.weixin.qq.com/cgi-bin/user/info?access_token=FAKE_ACCESS_TOKEN_000001_abcdef&x=1")
    log.info('answer {"access_token": "86_aBcDeFgHiJkLmNoPqRsTuV-wXyZ", "expires_in": 7200}')

    written = log_stream.getvalue()
    for secret in ("s3cr3t-app-secret-value", "callback-token-value", AES_KEY, "FAKE_ACCESS_TOKEN_000001",
                   "86_aBcDeFgHiJkLmNoPqRsTuV"):
        assert secret not in written
    assert "access_token=<token>&x=1" in written
