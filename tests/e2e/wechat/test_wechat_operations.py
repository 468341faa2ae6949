"""A WeChat-only deployment has no Telegram webhook server: /healthz and /metrics are on the callback's server."""

from __future__ import annotations

import httpx

from bot.wechat.fake.harness import WechatHarness
from tests.e2e.wechat.conftest import WANG, join
from village.outbox import MessageKind, NewMessage, Priority


async def test_the_callback_server_answers_healthz_and_metrics_beside_the_callback(wx: WechatHarness) -> None:
    await join(wx, WANG)  # the callback still answers on the same server
    await wx.runtime.dispatcher.stop()
    async with wx.runtime.database.transaction() as store:
        identity = await store.identities.find("wechat", WANG)
        assert identity is not None
        await store.outbox.add_many([NewMessage("test:ops", identity.id, {"text": "通知"}, Priority.BULK,
                                                kind=MessageKind.NOTICE_BROADCAST)], wx.clock.now())

    async with httpx.AsyncClient() as client:
        health = await client.get(f"{wx.endpoint.server_url}/healthz")
        metrics = await client.get(f"{wx.endpoint.server_url}/metrics")

    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["leader"] == {"known": True, "here": True}
    assert body["outbox"]["due"] == 1
    assert metrics.status_code == 200
    assert 'hemei_outbox_depth{priority="9"} 1.0' in metrics.text
    for kind in ("command", "text", "button"):  # following, the card's code, the name picked
        assert f'hemei_updates_total{{kind="{kind}",outcome="ok"}} 1.0' in metrics.text
    assert "# TYPE hemei_sends_total counter" in metrics.text
