"""`hemei invites --channel telegram|wechat|both`: the printed cards' QR codes, read back as a phone would.

The pages are decoded with zxing-cpp; a WeChat code is identified by the fake's record of the ticket it
issued (as WeChat's servers know which scene a code carries), and a decoded card is scanned in the fake.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from PIL import Image

from bot.cards import CARD, MARGIN
from bot.cli import invites, main
from bot.config import Config, load_config
from bot.wechat.fake.harness import WechatHarness, wechat_environ
from tests.e2e.wechat.conftest import WANG, household_code

BOT = "hemei_test_bot"


def cli_config(wx: WechatHarness, db_url: str) -> Config:
    """The operator's config: the same database and WeChat account as the running bot, and the bot's name."""
    return load_config(None, {**wechat_environ(wx.fake), "HEMEI_DATABASE__URL": db_url,
                              "HEMEI_TELEGRAM__BOT_USERNAME": BOT})


async def print_cards(wx: WechatHarness, db_url: str, out: Path, channel: str) -> int:
    args = argparse.Namespace(village="FX01", out=out, renew=False, channel=channel)
    return await invites._invites(args, cli_config(wx, db_url))


def read_cards(page: Path) -> dict[tuple[int, int], list[str]]:
    """Return the QR codes' contents per card on the page, by the card's (column, row)."""
    cards: dict[tuple[int, int], list[str]] = {}
    with Image.open(page) as image:
        found = zxingcpp.read_barcodes(image.convert("RGB"))
    for barcode in sorted(found, key=lambda b: b.position.top_left.x):
        corner = barcode.position.top_left
        slot = ((corner.x - MARGIN) // (CARD[0] + MARGIN), (corner.y - MARGIN) // (CARD[1] + MARGIN))
        cards.setdefault(slot, []).append(barcode.text)
    return cards


def start_code(link: str) -> str:
    """Return the invite code of a Telegram deep link."""
    parsed = urlparse(link)
    assert (parsed.netloc, parsed.path) == ("t.me", f"/{BOT}")
    return parse_qs(parsed.query)["start"][0]


def scene_of(wx: WechatHarness, url: str) -> str:
    """Return the scene WeChat pushes when the code with this URL is scanned."""
    return wx.fake.world.qrcodes[ticket_of(url)]


def ticket_of(url: str) -> str:
    assert url.startswith("http://weixin.qq.com/q/"), url
    return url.rsplit("/", 1)[1]


async def issued_codes(wx: WechatHarness) -> set[str]:
    return {await household_code(wx, label) for label in ("1-01", "1-02", "2-01", "3-01")}


async def test_telegram_cards_carry_the_deep_link_only(wx: WechatHarness, db_url: str, tmp_path: Path) -> None:
    status = await print_cards(wx, db_url, tmp_path / "cards.png", "telegram")

    cards = read_cards(tmp_path / "cards.png")

    assert status == 0
    assert all(len(codes) == 1 for codes in cards.values())
    assert {start_code(codes[0]) for codes in cards.values()} == await issued_codes(wx)
    assert wx.fake.world.qrcodes == {}  # no WeChat code was made


async def test_wechat_cards_carry_a_code_whose_scene_is_the_household_invite(
        wx: WechatHarness, db_url: str, tmp_path: Path) -> None:
    status = await print_cards(wx, db_url, tmp_path / "cards.png", "wechat")

    cards = read_cards(tmp_path / "cards.png")

    assert status == 0
    assert all(len(codes) == 1 for codes in cards.values())
    assert {scene_of(wx, codes[0]) for codes in cards.values()} == await issued_codes(wx)


async def test_both_puts_the_telegram_link_and_the_wechat_code_of_the_same_household_side_by_side(
        wx: WechatHarness, db_url: str, tmp_path: Path) -> None:
    status = await print_cards(wx, db_url, tmp_path / "cards.png", "both")

    cards = read_cards(tmp_path / "cards.png")

    assert status == 0
    assert len(cards) == 4
    for telegram, wechat in cards.values():
        assert start_code(telegram) == scene_of(wx, wechat)
    assert {start_code(codes[0]) for codes in cards.values()} == await issued_codes(wx)


async def test_printing_again_reuses_each_invites_permanent_wechat_code(
        wx: WechatHarness, db_url: str, tmp_path: Path) -> None:
    await print_cards(wx, db_url, tmp_path / "first.png", "wechat")
    made = dict(wx.fake.world.qrcodes)

    status = await print_cards(wx, db_url, tmp_path / "again.png", "both")

    again = read_cards(tmp_path / "again.png")
    assert status == 0
    assert wx.fake.world.qrcodes == made  # no new permanent code: an account may make 100,000 in all
    assert wx.fake.api.calls.count("cgi-bin/qrcode/create") == len(made) == 4
    assert {codes[1] for codes in again.values()} == {c[0] for c in read_cards(tmp_path / "first.png").values()}


async def test_scanning_a_printed_card_with_wechat_joins_its_household(
        wx: WechatHarness, db_url: str, tmp_path: Path) -> None:
    await print_cards(wx, db_url, tmp_path / "cards.png", "wechat")
    first_card = read_cards(tmp_path / "cards.png")[0, 0][0]

    opened = await wx.answer_of(WANG, await wx.fake.scans(WANG, ticket_of(first_card)))
    joined = await wx.says(WANG, "1")
    me = await wx.says(WANG, "/me")

    assert "欢迎！这是和美村 1-01 户的邀请卡。" in opened.text
    assert "欢迎您，和美村的张阿婆" in joined.text
    assert "姓名：张阿婆" in me.text


def test_wechat_cards_need_wechat_configured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[telegram]\nbot_username = "{BOT}"\n', encoding="utf-8")

    status = main(["invites", "--village", "FX01", "--out", str(tmp_path / "c.png"), "--channel", "wechat",
                   "--config", str(config)])

    assert status == 2
    assert "尚未配置微信" in capsys.readouterr().err
    assert not (tmp_path / "c.png").exists()
