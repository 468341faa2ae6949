"""Passive replies: the one message a push may be answered with, rendered by wechatpy."""

from __future__ import annotations

from dataclasses import dataclass

from wechatpy.replies import ArticlesReply, BaseReply, ImageReply, TextReply

MAX_ARTICLES = 8  # WeChat shows at most 8 items in a news reply; more make the reply invalid


@dataclass(frozen=True)
class PassiveText:
    """A text reply."""

    text: str


@dataclass(frozen=True)
class PassiveImage:
    """An image reply, by a media id uploaded earlier."""

    media_id: str


@dataclass(frozen=True)
class Article:
    """One item of a news reply: a title, a line, a picture and the page it opens."""

    title: str
    description: str = ""
    pic_url: str = ""
    url: str = ""


@dataclass(frozen=True)
class PassiveNews:
    """A news reply (图文): one to eight articles."""

    articles: tuple[Article, ...]


PassiveReply = PassiveText | PassiveImage | PassiveNews


def render_reply(reply: PassiveReply, *, open_id: str, account: str, now: int) -> str:
    """Return the reply's XML, addressed from the account to the person."""
    fields = {"source": _cdata_safe(account), "target": _cdata_safe(open_id), "time": now}
    rendered: BaseReply
    match reply:
        case PassiveText(text):
            rendered = TextReply(content=_cdata_safe(text), **fields)
        case PassiveImage(media_id):
            rendered = ImageReply(media_id=_cdata_safe(media_id), **fields)
        case PassiveNews(articles):
            rendered = ArticlesReply(articles=[_article(a) for a in articles[:MAX_ARTICLES]], **fields)
    return str(rendered.render())


def _article(article: Article) -> dict[str, str]:
    return {"title": _cdata_safe(article.title), "description": _cdata_safe(article.description),
            "image": _cdata_safe(article.pic_url), "url": _cdata_safe(article.url)}


def _cdata_safe(text: str) -> str:
    """Split any `]]>` so text cannot close wechatpy's CDATA section and inject elements."""
    return text.replace("]]>", "]]]]><![CDATA[>")
