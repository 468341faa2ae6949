"""The closed loop on each channel: a resident reports with voice, photo and location; the grid worker
accepts, handles and closes it with a photo; the resident rates it."""

from __future__ import annotations

from tests.scenarios.channels import ChannelDriver, texts
from tests.scenarios.conftest import ALICE, GRID_WORKER

PHOTO = b"\xff\xd8\xff\xe0-photo-of-rubbish"
CLEAN = b"\xff\xd8\xff\xe0-clean-now"
VOICE = b"#!AMR\n-voice-of-a-villager"


async def test_a_report_with_voice_photo_and_location_is_closed_and_rated(channel: ChannelDriver) -> None:
    await channel.join(ALICE)
    await channel.enrol(GRID_WORKER)
    await channel.picks(ALICE, "📣 我要反映")
    await channel.picks(ALICE, "垃圾/环境卫生")
    await channel.sends_voice(ALICE, VOICE)
    await channel.sends_photo(ALICE, PHOTO)
    await channel.picks(ALICE, "➡️ 下一步")
    await channel.sends_location(ALICE)
    preview = await channel.picks(ALICE, "👤 公开姓名")
    filed = await channel.picks(ALICE, "✅ 确认提交")
    card = channel.inbox(GRID_WORKER)

    accepted = await channel.picks(GRID_WORKER, "✅ 受理")
    told_accepted = texts(channel.inbox(ALICE)[-1:])
    await channel.picks(GRID_WORKER, "🔧 开始处置")
    told_started = texts(channel.inbox(ALICE)[-1:])
    await channel.picks(GRID_WORKER, "🏁 办结")
    await channel.says(GRID_WORKER, "已联系保洁公司清运完毕")
    resolved = await channel.sends_photo(GRID_WORKER, CLEAN)
    result = channel.inbox(ALICE)
    rated = await channel.picks(ALICE, "😊 满意")
    finished = await channel.picks(ALICE, "不用了")

    assert "📷 照片：1 张" in texts(preview)
    assert "🎤 语音：1 段" in texts(preview)
    assert "问题编号：FX01-2611-0001" in texts(filed)
    assert "有新的问题请您处理" in texts(card)
    assert "反映人：张阿婆" in texts(card)
    assert PHOTO in [m.picture for m in card]
    assert {"✅ 受理", "🚫 不予受理"} <= {c for m in card for c in m.choices}
    assert "✅ 已受理" in texts(accepted)
    assert "已受理" in told_accepted
    assert "已开始处置" in told_started
    assert "🏁 已办结，已请反映人评价" in texts(resolved)
    assert "处理结果：已联系保洁公司清运完毕" in texts(result)
    assert CLEAN in [m.picture for m in result]
    assert "谢谢您的评价" in texts(rated)
    assert "好的，谢谢您" in texts(finished)
