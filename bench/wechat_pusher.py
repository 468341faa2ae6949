"""WeChat's side of the multi-process callback benchmark, in a process of its own: the pusher, or a bare echo.

    python -m bench.wechat_pusher push < job.json   # pushes at a steady rate; prints the figures as JSON
    python -m bench.wechat_pusher echo PORT         # a bare callback with the same crypto, answering at once

The pusher signs and AES-encrypts each push as the fake WeChat does (the fake's own Pusher) and POSTs it to the
callback of worker `resident % workers`: one person's pushes always reach the same worker, as a reverse proxy
hashing on the `openid` WeChat adds to the callback's query (`hash $arg_openid consistent` in nginx) does.
Its CPU is its own process's, not Hemei's: this is why it runs apart.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import zlib
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from bench.wechat_callbacks import Residents, open_id, open_loop
from bot.wechat.callback import WechatCallback
from bot.wechat.fake.harness import FAKE_AES_KEY, FAKE_TOKEN
from bot.wechat.fake.inputs import InputFactory, Push
from bot.wechat.fake.pushes import RETRY_TIMEOUT_SECONDS, PushAccount, Pusher
from bot.wechat.fake.server import FAKE_APP_ID, FAKE_APP_SECRET
from bot.wechat.inputs import Input, TextMessage
from bot.wechat.passive import PassiveReply, PassiveText
from bot.wechat.serving import LocalServer
from bot.wechat.settings import WechatSettings
from village.clock import SystemClock

CONNECTIONS = 2000  # never queue a push on the client's own pool: WeChat does not wait for its connections


@dataclass(frozen=True)
class Job:
    """What to push: where, how fast, for how long, from how many followers, with which photos."""

    urls: list[str]
    rate: float
    seconds: float
    residents: int
    media_ids: list[str]  # photos added to the fake WeChat beforehand, one per image push (never reused)
    warm_up: bool = True


async def push(job: Job) -> dict[str, Any]:
    """Run the open loop against the workers; return the figures (as `wechat_callbacks.Run.figures`)."""
    clock = SystemClock()
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    photos = iter(job.media_ids)
    async with httpx.AsyncClient(limits=limits, timeout=RETRY_TIMEOUT_SECONDS) as http:
        pushers = [Pusher(http, PushAccount(url, FAKE_TOKEN, FAKE_APP_ID, FAKE_AES_KEY), clock) for url in job.urls]

        async def deliver(sent: Push) -> httpx.Response:
            pusher = pushers[zlib.crc32(sent.open_id.encode()) % len(pushers)]
            try:
                async with asyncio.timeout(RETRY_TIMEOUT_SECONDS):  # WeChat's 5 s in all, not per read
                    return await pusher.push(sent.xml, params={**pusher.signed(), "openid": sent.open_id})
            except TimeoutError:
                raise httpx.TimeoutException("no answer within WeChat's 5 s") from None

        inputs = InputFactory(clock)
        warm_up = min(job.residents, 10 * len(pushers)) if job.warm_up else 0
        for number in range(warm_up):  # every worker's connections and first-time loads: not what is measured
            await deliver(inputs.text(open_id(number), "/menu"))
        residents = Residents(inputs, job.residents, lambda: next(photos))
        cpu = time.process_time()
        run = await open_loop("pushed", deliver, residents, job.residents, job.rate, job.seconds)
    used = time.process_time() - cpu
    return {**run.figures(), "warm_up": warm_up, "cpu_percent": round(used / run.elapsed * 100, 1)}


async def echo(port: int) -> None:
    """Serve a bare callback on `port` until stdin closes: the floor the workers are compared with."""
    settings = WechatSettings(app_id=FAKE_APP_ID, app_secret=SecretStr(FAKE_APP_SECRET), token=SecretStr(FAKE_TOKEN),
                              encoding_aes_key=SecretStr(FAKE_AES_KEY), path="wechat")

    async def answer(received: Input) -> PassiveReply:
        return PassiveText(received.content if isinstance(received, TextMessage) else "收到")

    server = LocalServer(WechatCallback(settings, answer, clock=SystemClock()).app(), port=port)
    await server.start()
    print("echo is running", flush=True)
    try:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await server.stop()


def main(argv: list[str]) -> None:
    if argv[:1] == ["echo"]:
        asyncio.run(echo(int(argv[1])))
        return
    job = Job(**json.loads(sys.stdin.read()))
    print(json.dumps(asyncio.run(push(job))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
