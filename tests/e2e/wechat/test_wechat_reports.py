"""A report filed on WeChat: choices by digit, label and menu id; a photo and a GCJ-02 location."""

from __future__ import annotations

from pathlib import Path

from bot.wechat.fake.harness import WechatHarness
from storage.database import Database
from tests.e2e.wechat.conftest import WANG, join, number_of
from tests.factories import person_by_phone
from village.geo import Datum, GeoPoint

PHOTO = b"\xff\xd8\xff\xe0-photo-of-rubbish"
SPOT = GeoPoint(30.9211, 121.4745, Datum.GCJ02)  # as WeChat reports it


async def test_filing_a_report_with_a_photo_and_location_shows_the_summary(wx: WechatHarness,
                                                                           database: Database) -> None:
    await join(wx, WANG)
    categories = await wx.says(WANG, "📣 我要反映")
    await wx.says(WANG, number_of(categories.text, "垃圾/环境卫生"))  # a digit
    await wx.says(WANG, "路边垃圾堆了三天，没人清理")
    await wx.answer_of(WANG, await wx.fake.sends_photo(WANG, PHOTO))
    where = await wx.says(WANG, "➡️ 下一步")  # a label
    named = await wx.sends(wx.fake.inputs.location(WANG, SPOT.latitude, SPOT.longitude, "奉贤区和美村"))
    review = await wx.taps(WANG, "👤 公开姓名", number_of(named.text, "👤 公开姓名"))  # a menu id

    filed = await wx.taps(WANG, "✅ 确认提交", "0")  # a tap whose id arrives as "0": the label decides

    assert "位置" in where.text
    assert "路边垃圾堆了三天，没人清理" in review.text
    assert "FX01-2611-0001" in filed.text
    alice = await person_by_phone(database, "13800000001")
    async with database.transaction() as store:
        [report] = await store.reports.of_person(alice.id, 10)
    assert report.point == SPOT
    assert report.point.datum is Datum.GCJ02  # type: ignore[union-attr]


async def test_a_digit_answers_a_question_that_asks_for_typed_text(wx: WechatHarness) -> None:
    await join(wx, WANG)
    categories = await wx.says(WANG, "📣 我要反映")
    await wx.says(WANG, number_of(categories.text, "垃圾/环境卫生"))

    # The description question offers no numbered choices (Back and Cancel are keys): "2" is the description.
    described = await wx.says(WANG, "2")
    await wx.says(WANG, "➡️ 下一步")
    located = await wx.says(WANG, "⏭ 跳过")
    review = await wx.says(WANG, number_of(located.text, "👤 公开姓名"))

    assert "➡️ 下一步" in described.text
    assert "垃圾/环境卫生" in review.text
    assert "\n2\n" in f"\n{review.text}\n".replace("：", "\n")


async def test_a_voice_message_describes_the_problem_and_its_audio_is_kept(wx: WechatHarness, tmp_path: Path) -> None:
    await join(wx, WANG)
    categories = await wx.says(WANG, "📣 我要反映")
    await wx.says(WANG, number_of(categories.text, "垃圾/环境卫生"))
    media_id = wx.fake.world.add_media("voice", b"#!AMR\n-voice-of-a-villager", wx.clock.now())

    described = await wx.sends(wx.fake.inputs.voice(WANG, media_id))

    assert "➡️ 下一步" in described.text  # on to the photos
    kept = [p.read_bytes() for p in (tmp_path / "media").rglob("*.amr")]
    assert kept == [b"#!AMR\n-voice-of-a-villager"]


async def test_a_villager_types_words_of_a_choice_instead_of_its_number(wx: WechatHarness) -> None:
    await join(wx, WANG)
    await wx.says(WANG, "我要反映")  # the menu entry without its emoji
    unclear = await wx.says(WANG, "环境")  # in two categories: asked again
    described = await wx.says(WANG, "道路")  # in one: 道路/设施
    await wx.says(WANG, "路灯坏了，晚上很黑")
    where = await wx.says(WANG, "下一步")  # ➡️ 下一步 without its emoji

    assert "是哪一类问题" in unclear.text
    assert "请说一说是什么问题" in described.text
    assert "位置" in where.text
