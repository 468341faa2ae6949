"""The pages' HTML: Chinese, large type, one column for a phone; every value escaped."""

from __future__ import annotations

import json
from html import escape

STYLE = """
html { font-size: 22px; -webkit-text-size-adjust: 100%; }
body { margin: 0; padding: 1rem; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif;
       line-height: 1.6; color: #1a1a1a; background: #f7f5f0; }
main { max-width: 36rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
.text { white-space: pre-wrap; word-break: break-word; background: #fff; padding: 1rem; border-radius: .5rem; }
.button { display: block; text-align: center; font-size: 1.2rem; padding: .9rem; margin: 1.2rem 0;
          border-radius: .5rem; background: #07c160; color: #fff; text-decoration: none; border: 0; width: 100%; }
.note { color: #555; font-size: .9rem; }
"""

SUBSCRIBE_SCRIPT = """
(function () {
  var config = JSON.parse(document.getElementById("wx-config").textContent);
  var status = document.getElementById("status");
  if (!/MicroMessenger/i.test(navigator.userAgent)) { document.getElementById("outside").hidden = false; }
  window.hemeiConfigure = function () {
    wx.config({debug: false, appId: config.appId, timestamp: config.timestamp, nonceStr: config.nonceStr,
               signature: config.signature, jsApiList: ["checkJsApi"], openTagList: ["wx-open-subscribe"]});
  };
  document.getElementById("subscribe").addEventListener("success", function (e) {
    status.textContent = status.dataset.done;
    if (config.answer) {  // keep what was accepted, so that reminders can use it at once
      fetch(config.answer, {method: "POST", headers: {"Content-Type": "application/json"},
                            body: JSON.stringify({details: e.detail.subscribeDetails})});
    }
  });
})();
"""


def page(title: str, body: str, *, script: str = "") -> str:
    """Return a whole page around `body` (already escaped HTML)."""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main><h1>{escape(title)}</h1>{body}</main>{script}</body></html>")


def message(title: str, text: str) -> str:
    """Return the page of a message in full."""
    return page(title, f'<div class="text" id="message">{escape(text)}</div>')


def download(title: str, name: str, size: str, href: str, hint: str, action: str) -> str:
    """Return the page of a file: its name and size, a big download button, and how to open it."""
    return page(title, f'<p id="file-name">{escape(name)}（{escape(size)}）</p>'
                       f'<a class="button" id="download" href="{escape(href)}" download="{escape(name)}">'
                       f'{escape(action)}</a><p class="note">{escape(hint)}</p>')


def refusal(title: str, text: str) -> str:
    """Return the page shown for a link that is not ours, expired, or leads nowhere: no data at all."""
    return page(title, f'<p class="note">{escape(text)}</p>')


def settings(title: str, texts: dict[str, str], templates: list[str], config: dict[str, object]) -> str:
    """Return the reminder-settings page with `<wx-open-subscribe>` and the signed `wx.config` values."""
    button = (f'<wx-open-subscribe template="{escape(",".join(templates))}" id="subscribe">'
              f'<script type="text/wxtag-template" slot="style"><style>.btn{{font-size:20px;padding:14px;'
              f'width:100%;border:0;border-radius:8px;background:#07c160;color:#fff}}</style></script>'
              f'<script type="text/wxtag-template"><button class="btn">{escape(texts["button"])}</button>'
              f"</script></wx-open-subscribe>")
    body = (f'<p id="intro">{escape(texts["intro"])}</p>{button}'
            f'<p class="note" id="status" data-done="{escape(texts["done"])}"></p>'
            f'<p class="note" id="outside" hidden>{escape(texts["outside"])}</p>')
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    script = (f'<script type="application/json" id="wx-config">{data}</script>'
              f"<script>{SUBSCRIBE_SCRIPT}</script>"
              f'<script async src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js" onload="hemeiConfigure()"></script>')
    return page(title, body, script=script)
