"""Long texts split at 2,048 UTF-8 bytes."""

from __future__ import annotations

from bot.wechat.texts import MAX_TEXT_BYTES, split_text


def test_a_short_text_is_one_part() -> None:
    assert split_text("您好") == ["您好"]


def test_a_long_text_splits_at_line_breaks_within_the_byte_limit() -> None:
    lines = [f"第{n}条：" + "村务公开" * 20 for n in range(40)]

    parts = split_text("\n".join(lines))

    assert all(len(part.encode()) <= MAX_TEXT_BYTES for part in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert len(parts) > 1


def test_one_long_line_is_cut_between_characters() -> None:
    text = "和" * 1000  # 3,000 bytes

    parts = split_text(text)

    assert [len(p.encode()) for p in parts] == [2046, 954]
    assert "".join(parts) == text
