"""Passive replies rendered as WeChat reads them."""

from __future__ import annotations

import xmltodict

from bot.wechat.passive import Article, PassiveImage, PassiveNews, PassiveText, render_reply


def parsed(xml: str) -> dict[str, object]:
    return dict(xmltodict.parse(xml)["xml"])


def test_a_text_reply_goes_from_the_account_to_the_person() -> None:
    reply = parsed(render_reply(PassiveText("收到"), open_id="o-zhang", account="gh_1", now=1700000000))

    assert {k: reply[k] for k in ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Content")} == {
        "ToUserName": "o-zhang", "FromUserName": "gh_1", "CreateTime": "1700000000", "MsgType": "text",
        "Content": "收到"}


def test_text_cannot_break_out_of_its_cdata() -> None:
    reply = parsed(render_reply(PassiveText("a]]><MsgType>news</MsgType>b"), open_id="o", account="gh", now=1))

    assert (reply["MsgType"], reply["Content"]) == ("text", "a]]><MsgType>news</MsgType>b")


def test_an_image_reply_carries_the_media_id() -> None:
    reply = parsed(render_reply(PassiveImage("MEDIA_1"), open_id="o", account="gh", now=1))

    assert (reply["MsgType"], reply["Image"]) == ("image", {"MediaId": "MEDIA_1"})


def test_a_news_reply_keeps_at_most_eight_articles() -> None:
    articles = tuple(Article(f"标题{n}", "说明", "https://p/x.jpg", f"https://h5/{n}") for n in range(10))

    reply = parsed(render_reply(PassiveNews(articles), open_id="o", account="gh", now=1))

    assert (reply["MsgType"], reply["ArticleCount"]) == ("news", "8")
    assert reply["Articles"]["item"][0] == {"Title": "标题0", "Description": "说明", "PicUrl": "https://p/x.jpg",
                                            "Url": "https://h5/0"}
