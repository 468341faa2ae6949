"""Routing of every outgoing WeChat message, through the fake WeChat: a customer-service message while the
window is open, else a subscription notification the person accepted, else a template message, else parked
and delivered (summarised when many) the next time the person writes; the cadre's report counts each route."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from bot.wechat.routing import ZONE
from handlers.replies import Reply, to_payload
from storage.database import Database
from storage.tables import outbox
from storage.wechat_routing import WechatMassCountRepository
from tests.e2e.wechat.conftest import WANG, join
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage
from village.services import Services

WANG_DABO = "o_wangdabo_0000000000000000003"  # 王大伯, 一组
ZHAO = "o_zhao_000000000000000000000004"  # 赵阿姨, 二组
MING = "o_ming_000000000000000000000002"  # 张小明, 一组
SECRETARY = "o_li_shuji_000000000000000009"  # 李书记
NOTICE_SUBSCRIPTION = "SUB-NOTICE-1"
NOTICE_TEMPLATE = "TPL-NOTICE-1"
PUBLIC = "http://hemei.test"
CUSTOM_SEND = "cgi-bin/message/custom/send"


@pytest.fixture
async def wx(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[WechatHarness]:
    """The bot with a subscription template and a template message for notices, and pages to link to."""
    await load_roster(database, clock)
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), "HEMEI_WECHAT__PUBLIC_BASE_URL": PUBLIC,
               "HEMEI_WECHAT__SUBSCRIPTIONS": json.dumps({"notice.broadcast": NOTICE_SUBSCRIPTION}),
               "HEMEI_WECHAT__TEMPLATES": json.dumps({"notice.broadcast": NOTICE_TEMPLATE}),
               # The template's own keywords; the subscription keeps the default thing1 and time2.
               "HEMEI_WECHAT__FIELDS": json.dumps({NOTICE_TEMPLATE: {"text": "thing3", "time": "time5"}})}
    async with running_wechat_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness


async def accepts(wx: WechatHarness, open_id: str, template: str) -> None:
    """The person taps 允许 in a subscription pop-up: WeChat records it and pushes the event."""
    wx.fake.world.subscribe(open_id, template)
    await wx.sends(wx.fake.inputs.subscription_event(open_id, "subscribe_msg_popup_event", [
        {"TemplateId": template, "SubscribeStatusString": "accept", "PopupScene": "2"}]))


async def queue(wx: WechatHarness, open_id: str, *texts: str, kind: MessageKind = MessageKind.NOTICE_BROADCAST) -> None:
    """Queue messages for the person as a job would, and let the outbox send them."""
    async with wx.runtime.database.transaction() as store:
        identity = await store.identities.find("wechat", open_id)
        assert identity is not None
        await store.outbox.add_many([NewMessage(f"test:{open_id}:{n}:{text}", identity.id, to_payload(Reply(text)),
                                                kind=kind) for n, text in enumerate(texts)], wx.clock.now())
    await wx.runtime.settle()


def routes_to(wx: WechatHarness, open_id: str) -> list[str]:
    """Return the route of everything the fake WeChat delivered to the person, in order."""
    return [sent.kind for sent in wx.fake.world.sent[open_id]]


async def page_text(wx: WechatHarness, link: str) -> str:
    """Open a signed page link as the person would (our pages are served beside the callback)."""
    async with httpx.AsyncClient() as http:
        response = await http.get(link.replace(PUBLIC, wx.endpoint.server_url))
    return response.text


async def test_an_open_window_gets_a_customer_service_message(wx: WechatHarness) -> None:
    await join(wx, WANG)
    await accepts(wx, WANG, NOTICE_SUBSCRIPTION)
    before = len(routes_to(wx, WANG))

    await queue(wx, WANG, "📢【通知】和美村\n本周六上午清理河道")

    assert routes_to(wx, WANG)[before:] == ["custom"]
    assert wx.fake.sent_to(WANG)[-1] == "📢【通知】和美村\n本周六上午清理河道"


async def test_a_closed_window_is_not_even_tried_and_an_accepted_subscription_carries_a_teaser(
        wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    await accepts(wx, WANG, NOTICE_SUBSCRIPTION)
    clock.advance(timedelta(hours=49))
    tried = wx.fake.api.calls.count(CUSTOM_SEND)

    await queue(wx, WANG, "📢【通知】和美村\n本周六上午清理河道，请各户派一人。")

    [sent] = [s for s in wx.fake.world.sent[WANG] if s.kind == "subscription"]
    assert wx.fake.api.calls.count(CUSTOM_SEND) == tried
    assert sent.payload["template_id"] == NOTICE_SUBSCRIPTION
    assert sent.payload["data"]["thing1"]["value"] == "【通知】和美村 本周六上午清理河道，请…"
    assert "本周六上午清理河道，请各户派一人。" in await page_text(wx, sent.payload["page"])


async def test_a_one_time_subscription_is_used_once_then_the_template_follows(
        wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    await accepts(wx, WANG, NOTICE_SUBSCRIPTION)
    clock.advance(timedelta(hours=49))

    await queue(wx, WANG, "第一条通知", "第二条通知")

    assert routes_to(wx, WANG)[-2:] == ["subscription", "template"]
    assert wx.fake.world.subscriptions[WANG, NOTICE_SUBSCRIPTION] == 0
    subscription, template = (s.payload["data"] for s in wx.fake.world.sent[WANG][-2:])
    assert (set(subscription), subscription["thing1"]["value"]) == ({"thing1", "time2"}, "第一条通知")
    assert (set(template), template["thing3"]["value"]) == ({"thing3", "time5"}, "第二条通知")
    assert template["time5"]["value"].startswith(clock.now().astimezone(ZONE).strftime("%Y年%m月%d日"))


async def test_after_wechat_says_the_window_closed_the_next_messages_do_not_try_it(wx: WechatHarness) -> None:
    await join(wx, WANG)
    wx.fake.world.windows.close(WANG)  # 48 hours are over on WeChat's side; we have not seen it yet
    tried = wx.fake.api.calls.count(CUSTOM_SEND)

    await queue(wx, WANG, "第一条通知", "第二条通知")

    assert wx.fake.api.calls.count(CUSTOM_SEND) == tried + 1
    assert routes_to(wx, WANG)[-2:] == ["template", "template"]


async def test_a_refused_subscription_is_not_used(wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    await wx.sends(wx.fake.inputs.subscription_event(WANG, "subscribe_msg_popup_event", [
        {"TemplateId": NOTICE_SUBSCRIPTION, "SubscribeStatusString": "reject", "PopupScene": "2"}]))
    clock.advance(timedelta(hours=49))

    await queue(wx, WANG, "村务通知")

    assert routes_to(wx, WANG)[-1] == "template"
    assert "cgi-bin/message/subscribe/bizsend" not in wx.fake.api.calls


async def test_a_kind_without_template_is_parked_and_delivered_when_the_person_writes(
        wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(hours=49))
    await queue(wx, WANG, "您的问题已办结", kind=MessageKind.REPORT_STATUS_CHANGED)
    missed = wx.new_messages(WANG)

    answer = await wx.says(WANG, "你好")

    assert missed == []
    assert "您的问题已办结" in answer.later


async def test_many_parked_messages_arrive_as_one_summary_with_the_full_texts_on_a_page(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(hours=49))
    texts = [f"第{n}件事：村里的安排，请您留意。" for n in range(1, 6)]
    await queue(wx, WANG, *texts, kind=MessageKind.REPORT_STATUS_CHANGED)

    answer = await wx.says(WANG, "你好")

    [summary] = [t for t in answer.later if "条消息" in t]
    assert summary.startswith("您不在的时候，村里给您发了 5 条消息：\n1. 第1件事：村里的安排，请您留意。")
    assert len([t for t in answer.later if "村里的安排" in t]) == 1
    page = await page_text(wx, summary.rsplit("点这里看全文：", 1)[1])
    assert all(text in page for text in texts)
    async with database.transaction() as store:
        routes = {r.route for r in await store.connection.execute(
            select(outbox.c.route).where(outbox.c.kind == MessageKind.REPORT_STATUS_CHANGED.value))}
    assert routes == {"summary"}


async def test_a_window_closed_by_wechat_reroutes_the_rest_of_the_broadcast_and_the_report_counts_each_route(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)  # 张阿婆: her window stays open
    await join(wx, WANG_DABO, "1-02", "王大伯")
    await join(wx, ZHAO, "2-01", "赵阿姨")
    await join(wx, MING, "1-01", "张小明")
    await accepts(wx, WANG_DABO, NOTICE_SUBSCRIPTION)
    for open_id in (WANG_DABO, ZHAO):  # WeChat closes their windows; our prediction still has them open
        wx.fake.world.windows.close(open_id)
    await wx.sends(wx.fake.inputs.unsubscribe(MING))
    await bind_secretary(wx, database, clock)

    report = await announce(wx, "本周六上午清理河道，请各户派一人。")

    assert routes_to(wx, WANG)[-1] == "custom"
    assert routes_to(wx, WANG_DABO)[-1] == "subscription"
    assert routes_to(wx, ZHAO)[-1] == "template"
    assert ("已送达：3\n  · 微信消息：1\n  · 微信订阅通知：1\n  · 微信模板消息：1\n屏蔽了和美：0\n发送失败：0\n"
            "暂时联系不上、待其下次发消息时送达：1") in report


async def bind_secretary(wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    """Bind 李书记's WeChat, as joining by a cadre-issued code would."""
    person = await person_by_phone(database, "13800000009")
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", SECRETARY, chat_ref=SECRETARY, display_name=person.name,
                                               now=clock.now())
        await store.identities.bind(identity.id, person.id)


async def announce(wx: WechatHarness, text: str) -> str:
    """李书记 composes a notice to 一组 and 二组 on WeChat and sends it; return everything he saw after."""
    shown = await wx.says(SECRETARY, "/announce")
    if "写新通知" in shown.text:
        await wx.says(SECRETARY, "✍️ 写新通知")
    for step in ("📢 通知", text, "⏭ 跳过", "⏭ 跳过", "👥 选村民小组", "⬜ 一组", "⬜ 二组", "✅ 完成（已选 2 项）"):
        await wx.says(SECRETARY, step)
    sent = await wx.says(SECRETARY, "✅ 发送")
    await wx.runtime.settle()
    return "\n".join([*sent.texts, *wx.new_messages(SECRETARY)])


async def test_formal_monthly_items_go_by_mass_send_four_a_month_then_wait(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(hours=49))

    await queue(wx, WANG, *(f"{month}月评分已公布：😊 笑脸" for month in range(1, 6)), kind=MessageKind.SCORE_PUBLISHED)

    assert routes_to(wx, WANG)[-4:] == ["mass"] * 4
    assert wx.fake.sent_to(WANG)[-1] == "4月评分已公布：😊 笑脸"
    async with database.transaction() as store:
        statuses = [r.status for r in await store.connection.execute(
            select(outbox.c.status).where(outbox.c.kind == MessageKind.SCORE_PUBLISHED.value).order_by(outbox.c.id))]
        counted = await WechatMassCountRepository(store.connection).sent(WANG, "2026-11")
    assert statuses == ["sent"] * 4 + ["parked"]
    assert counted == 4


async def test_a_mass_send_made_before_a_crash_is_not_made_again(wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(hours=49))
    key = f"test:{WANG}:0:本月评分已公布"
    wx.fake.world.mass_jobs[key] = "9001"  # WeChat took it; the process died before recording the outcome
    before = len(routes_to(wx, WANG))

    await queue(wx, WANG, "本月评分已公布", kind=MessageKind.SCORE_PUBLISHED)

    assert routes_to(wx, WANG)[before:] == []
    assert wx.fake.api.calls.count("cgi-bin/message/mass/send") == 1


async def test_settings_in_the_menu_link_to_the_persons_own_reminder_settings_page(wx: WechatHarness) -> None:
    await join(wx, WANG)

    answer = await wx.sends(wx.fake.inputs.click(WANG, "hemei:settings"))  # 我的 → 设置
    links = [line for line in answer.text.splitlines() if line.startswith(PUBLIC)]
    page = await page_text(wx, links[0]) if links else ""

    assert "🔔 提醒设置：选择微信可以给您发哪些提醒" in answer.text
    assert len(links) == 1
    assert links[0].startswith(f"{PUBLIC}/pages/settings/{WANG}?")  # signed, and keeps this person's answers
    assert NOTICE_SUBSCRIPTION in page


async def test_a_subscription_accepted_on_the_reminder_settings_page_is_used(
        wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    assert wx.endpoint.pages is not None
    async with httpx.AsyncClient() as web:
        page = await web.get(wx.endpoint.pages.links.settings(WANG).replace(PUBLIC, wx.endpoint.server_url))
        answer = json.loads(page.text.split('id="wx-config">')[1].split("</script>")[0])["answer"]
        forged = await web.post(f"{wx.endpoint.server_url}/pages/settings/{WANG}/answer",
                                json={"details": json.dumps({NOTICE_SUBSCRIPTION: '{"status":"accept"}'})})
        garbage = await web.post(answer.replace(PUBLIC, wx.endpoint.server_url), content=b"<xml/>")
        wx.fake.world.subscribe(WANG, NOTICE_SUBSCRIPTION)  # what <wx-open-subscribe> did on WeChat's side
        kept = await web.post(answer.replace(PUBLIC, wx.endpoint.server_url),
                              json={"details": json.dumps({NOTICE_SUBSCRIPTION: '{"status":"accept"}'})})
    clock.advance(timedelta(hours=49))

    await queue(wx, WANG, "村务通知")

    assert NOTICE_SUBSCRIPTION in page.text
    assert (forged.status_code, garbage.status_code, kept.status_code) == (403, 400, 204)
    assert routes_to(wx, WANG)[-1] == "subscription"


async def test_quiet_hours_hold_an_optional_message_before_it_is_routed(
        wx: WechatHarness, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(hours=12))  # 22:00 in Shanghai: quiet hours; her window is still open
    async with wx.runtime.database.transaction() as store:
        identity = await store.identities.find("wechat", WANG)
        assert identity is not None
        await Services(store, clock, wx.config).outbox.enqueue_many([NewMessage(
            "test:quiet", identity.id, to_payload(Reply("明天的活动")), kind=MessageKind.MEETING_REMINDER)],
            optional=True)
    await wx.runtime.settle()
    at_night = wx.new_messages(WANG)
    clock.advance(timedelta(hours=10))  # 08:00: released, and routed now

    await wx.runtime.settle()

    assert at_night == []
    assert wx.new_messages(WANG) == ["明天的活动"]
