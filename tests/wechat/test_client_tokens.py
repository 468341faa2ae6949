"""The client's access token against the fake: cached, refreshed early, replaced once when rejected."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from bot.wechat.client import WechatClient
from bot.wechat.errors import PermanentError, TokenRejectedError
from bot.wechat.fake import FakeWechat
from bot.wechat.token_store import DatabaseTokenStore
from bot.wechat.tokens import MemoryTokenStore
from storage.database import Database
from tests.wechat.conftest import client_for
from village.clock import ManualClock

SEND = "cgi-bin/message/custom/send"
TOKEN = "cgi-bin/stable_token"


async def test_the_token_is_fetched_once_for_many_calls(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")

    for _ in range(3):
        await client.send_text("o-zhang", "好的")

    assert fake.api.calls.count(TOKEN) == 1
    assert fake.sent_to("o-zhang") == ["好的"] * 3


async def test_a_token_is_refreshed_early_and_not_on_every_call_after(fake: FakeWechat, client: WechatClient,
                                                                      clock: ManualClock) -> None:
    fake.has_written("o-zhang")
    await client.send_text("o-zhang", "1")
    clock.advance(timedelta(hours=2) - timedelta(minutes=4))

    await client.send_text("o-zhang", "2")
    await client.send_text("o-zhang", "3")

    assert fake.api.calls.count(TOKEN) == 2
    assert len(fake.tokens.issued) == 1  # normal mode handed back the same token


async def test_an_expired_token_is_replaced_by_a_new_one(fake: FakeWechat, client: WechatClient,
                                                         clock: ManualClock) -> None:
    fake.has_written("o-zhang")
    await client.send_text("o-zhang", "1")
    clock.advance(timedelta(hours=3))
    fake.has_written("o-zhang")

    await client.send_text("o-zhang", "2")

    assert len(fake.tokens.issued) == 2
    assert fake.sent_to("o-zhang") == ["1", "2"]


@pytest.mark.parametrize("break_token", ["rotate", "expire"])
async def test_a_rejected_token_is_refreshed_once_and_the_call_retried(fake: FakeWechat, client: WechatClient,
                                                                       clock: ManualClock, break_token: str) -> None:
    fake.has_written("o-zhang")
    await client.send_text("o-zhang", "1")
    if break_token == "rotate":
        fake.tokens.rotate(clock.now())  # 40001: something else took a new token
    else:
        fake.tokens.expire()  # 42001

    await client.send_text("o-zhang", "2")

    assert fake.sent_to("o-zhang") == ["1", "2"]
    assert fake.api.calls.count(SEND) == 3


async def test_a_token_rejected_again_after_the_refresh_raises(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    fake.faults.fail(SEND, 40001, times=2)

    with pytest.raises(TokenRejectedError):
        await client.send_text("o-zhang", "1")

    assert fake.api.calls.count(SEND) == 2
    assert fake.sent_to("o-zhang") == []


async def test_the_same_rejected_token_from_normal_mode_is_force_refreshed(fake: FakeWechat,
                                                                           client: WechatClient) -> None:
    fake.has_written("o-zhang")
    await client.send_text("o-zhang", "1")
    fake.faults.fail(SEND, 40001)  # WeChat rejects a token that stable_token still hands back

    await client.send_text("o-zhang", "2")

    assert len(fake.tokens.issued) == 2
    assert fake.sent_to("o-zhang") == ["1", "2"]


async def test_a_wrong_app_secret_is_a_permanent_error(fake: FakeWechat, http: httpx.AsyncClient,
                                                       clock: ManualClock) -> None:
    fake.app_secret = "wrong"
    client = client_for(fake, http, clock)

    with pytest.raises(PermanentError) as refused:
        await client.send_text("o-zhang", "1")

    assert refused.value.errcode == 40125


async def test_a_second_process_reuses_the_stored_token(fake: FakeWechat, http: httpx.AsyncClient,
                                                        clock: ManualClock) -> None:
    store = MemoryTokenStore()
    fake.has_written("o-zhang")
    await client_for(fake, http, clock, store=store).send_text("o-zhang", "1")

    await client_for(fake, http, clock, store=store).send_text("o-zhang", "2")

    assert fake.api.calls.count(TOKEN) == 1


async def test_the_token_survives_a_restart_in_the_database(fake: FakeWechat, http: httpx.AsyncClient,
                                                            clock: ManualClock, database: Database) -> None:
    fake.has_written("o-zhang")
    await client_for(fake, http, clock, store=DatabaseTokenStore(database)).send_text("o-zhang", "1")

    restarted = client_for(fake, http, clock, store=DatabaseTokenStore(database))
    await restarted.send_text("o-zhang", "2")

    assert fake.api.calls.count(TOKEN) == 1
    assert fake.sent_to("o-zhang") == ["1", "2"]
