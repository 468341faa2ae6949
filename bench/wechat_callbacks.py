"""WeChat callbacks at a steady rate: how long a person waits for the passive reply, against a bare echo.

Open loop, as WeChat pushes: `rate` callbacks a second for `seconds`, whatever the answers take. Each push
is signed and AES-encrypted by the fake WeChat and POSTed over HTTP to the real callback route (uvicorn,
on 127.0.0.1), in this process. Residents go round a report's first steps, so the mix holds every input
kind: a menu click, a digit picking a category, typed text, a photo (downloaded from the fake), a key,
a location, and a cancel. The echo is a bare callback with the same crypto that answers each push at
once with no Hemei step; measured in the same run, so the machine's speed cancels out in the ratio.
A `success` (or empty) answer means the step missed the passive budget and the reply went by
customer-service message: counted, as is any push not answered within WeChat's 5 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.wechat.callback import REPLY_BUDGET_SECONDS, WechatCallback
from bot.wechat.fake import FakeWechat
from bot.wechat.fake.harness import FAKE_AES_KEY, FAKE_TOKEN, running_wechat_bot
from bot.wechat.fake.inputs import InputFactory, Push
from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.inputs import Input, TextMessage
from bot.wechat.menus import KEY_PREFIX
from bot.wechat.passive import PassiveReply, PassiveText
from bot.wechat.serving import LocalServer
from bot.wechat.settings import WechatSettings
from storage.database import Database
from storage.migrate import upgrade
from storage.tables import identities, people, wechat_inbound
from village.clock import SystemClock
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

HEADER = ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"]
PHOTO = b"\xff\xd8\xff\xe0-bench-photo"
# One resident's inputs in turn: a report's first steps, then cancel (so the round starts afresh).
ROUND = ("click", "1", "路边垃圾堆了三天，没人清理", "image", "➡️ 下一步", "location", "❌ 取消")
DRAIN_PATIENCE_SECONDS = 300.0  # how long the run waits for the drain to finish what was left pending
Deliver = Callable[[Push], Awaitable[httpx.Response]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this benchmark's options to `python -m bench`."""
    parser.add_argument("--wechat-rate", type=float, default=100.0, help="WeChat callbacks per second (default 100)")
    parser.add_argument("--wechat-seconds", type=float, default=10.0, help="how long to push (default 10)")
    parser.add_argument("--wechat-residents", type=int, default=100, help="WeChat followers pushing (default 100)")
    parser.add_argument("--wechat-database", default="",
                        help="an empty database URL for the WeChat run (default: a new SQLite file)")


def smoke(args: argparse.Namespace) -> None:
    """Tiny counts for CI: checks that it runs and prints every figure."""
    args.wechat_rate, args.wechat_seconds, args.wechat_residents = 20.0, 0.5, 3


def open_id(number: int) -> str:
    """Return the OpenID of bench resident `number`."""
    return f"o_bench_{number:020d}"


@dataclass
class Run:
    """What one open-loop run measured: each push's wait, and how it was answered."""

    name: str
    latencies: list[float] = field(default_factory=list)
    by_input: dict[str, list[float]] = field(default_factory=dict)
    passive: int = 0
    success: int = 0
    unanswered: int = 0
    dropped: int = 0  # of the unanswered: the connection failed (refused, reset) rather than timed out
    elapsed: float = 0.0

    def percentile_ms(self, share: float) -> float:
        return _percentile_ms(self.latencies, share)

    def figures(self) -> dict[str, Any]:
        return {"callbacks": len(self.latencies) + self.unanswered,
                "per_second": round((len(self.latencies) + self.unanswered) / max(self.elapsed, 1e-9), 1),
                "p50_ms": self.percentile_ms(0.5), "p99_ms": self.percentile_ms(0.99),
                "max_ms": self.percentile_ms(1.0), "elapsed_s": round(self.elapsed, 2), "passive_replies": self.passive,
                "success_fallbacks": self.success, "unanswered": self.unanswered, "dropped": self.dropped,
                "p99_ms_by_input": {kind: _percentile_ms(waits, 0.99) for kind, waits in self.by_input.items()}}


def _percentile_ms(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies) or [0.0]
    return round(ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000, 1)


class Residents:
    """Builds each resident's next push of the round, stamped with the real clock."""

    def __init__(self, inputs: InputFactory, count: int, photo: Callable[[], str]) -> None:
        # The fake's own factory: message ids must never repeat in a run, or the callback takes a push
        # for WeChat's retry of an earlier one and answers it without a step.
        self._inputs, self._photo = inputs, photo  # `photo` returns the media id of a new photo at the fake
        self._next = [0] * count

    def next_push(self, number: int) -> tuple[str, Push]:
        """Return the kind of the resident's next input (click, digit, text, image, location) and its push."""
        step, self._next[number] = ROUND[self._next[number] % len(ROUND)], self._next[number] + 1
        who = open_id(number)
        if step == "click":
            return step, self._inputs.click(who, f"{KEY_PREFIX}report")
        if step == "image":
            return step, self._inputs.image(who, self._photo())
        if step == "location":
            return step, self._inputs.location(who, 30.9211, 121.4745, "奉贤区和美村")
        return ("digit" if step.isdigit() else "text"), self._inputs.text(who, step)


def photos(fake: FakeWechat) -> Callable[[], str]:
    """Return a function adding a new photo to the fake WeChat and returning its media id."""
    return lambda: fake.world.add_media("image", PHOTO, SystemClock().now())


def images_in(rate: float, seconds: float, residents: int) -> int:
    """Return a bound on the photos a run at `rate` for `seconds` pushes (one in each resident's ROUND)."""
    return int(rate * seconds) // len(ROUND) + residents + 1


async def open_loop(name: str, deliver: Deliver, residents: Residents, count: int, rate: float,
                    seconds: float) -> Run:
    """Push `rate` a second for `seconds`, round-robin over the residents; wait for every answer."""
    run = Run(name)

    async def one(kind: str, push: Push) -> None:
        started = time.perf_counter()
        try:
            response = await deliver(push)
        except httpx.TimeoutException:
            run.unanswered += 1
            return
        except httpx.TransportError:  # a dropped connection: no answer either (WeChat would retry)
            run.unanswered += 1
            run.dropped += 1
            return
        run.latencies.append(time.perf_counter() - started)
        run.by_input.setdefault(kind, []).append(run.latencies[-1])
        if response.text and response.text != "success":
            run.passive += 1
        else:
            run.success += 1

    tasks: list[asyncio.Task[None]] = []
    started = time.perf_counter()
    for number in range(max(1, int(rate * seconds))):
        delay = started + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(*residents.next_push(number % count))))
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - started
    return run


async def warm_up(deliver: Deliver, inputs: InputFactory, count: int) -> None:
    """Push a few texts one by one first: connections and first-time loads are not what is measured."""
    for number in range(min(count, 10)):
        await deliver(inputs.text(open_id(number), "/menu"))


async def prepare(url: str, count: int) -> None:
    """Migrate; import `count` household heads of village WX01, each bound to a WeChat follower."""
    await upgrade(url)
    table = [HEADER] + [["WX01", "微信村", "一网格", "一组", f"1-{n:04}", f"村民{n}", f"137{n:08d}", "household_head"]
                        for n in range(count)]
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            await Services(store, SystemClock(), VillageSettings()).roster.import_table(Actor.operator("bench"), table)
        now = SystemClock().now()
        async with database.connection() as connection:
            rows = (await connection.execute(select(people.c.id).where(people.c.phone.like("+86137%"))
                                             .order_by(people.c.id))).all()
            await connection.execute(identities.insert(), [
                {"channel": "wechat", "external_id": open_id(n), "chat_ref": open_id(n), "person_id": row.id,
                 "display_name": f"村民{n}", "first_seen": now, "last_seen": now, "locale": None}
                for n, row in enumerate(rows)])
    finally:
        await database.close()


async def echo(fake: FakeWechat, http: httpx.AsyncClient, args: argparse.Namespace) -> Run:
    """The floor: a bare callback, same crypto, that answers every push at once."""
    settings = WechatSettings(app_id=fake.app_id, app_secret=SecretStr(fake.app_secret), token=SecretStr(FAKE_TOKEN),
                              encoding_aes_key=SecretStr(FAKE_AES_KEY), path="wechat")

    async def answer(received: Input) -> PassiveReply:
        return PassiveText(received.content if isinstance(received, TextMessage) else "收到")

    server = LocalServer(WechatCallback(settings, answer, clock=SystemClock()).app())
    await server.start()
    try:
        pusher = Pusher(http, PushAccount(f"{server.url}/wechat", FAKE_TOKEN, fake.app_id, FAKE_AES_KEY),
                        SystemClock())
        residents = Residents(fake.inputs, args.wechat_residents, photos(fake))

        async def deliver(push: Push) -> httpx.Response:
            return await pusher.push(push.xml)

        await warm_up(deliver, fake.inputs, args.wechat_residents)
        return await open_loop("echo", deliver, residents, args.wechat_residents, args.wechat_rate,
                               args.wechat_seconds)
    finally:
        await server.stop()


async def measure(args: argparse.Namespace, folder: Path, database_url: str = "") -> dict[str, Any]:
    """Run the echo, then Hemei, at the same rate and mix; return the figures.

    The database is `--wechat-database`, else `database_url` (another benchmark's, migrated already: a
    migration from scratch takes seconds), else a new SQLite file.
    """
    url = args.wechat_database or database_url or f"sqlite+aiosqlite:///{folder / 'wechat.db'}"
    await prepare(url, args.wechat_residents)
    found: dict[str, Any] = {"rate_per_second": args.wechat_rate, "seconds": args.wechat_seconds,
                             "residents": args.wechat_residents, "budget_ms": int(REPLY_BUDGET_SECONDS * 1000),
                             "database": url.split(":", 1)[0]}
    try:
        async with running_wechat_bot(url, clock=SystemClock(),
                                      environ={"HEMEI_MEDIA__DIR": str(folder / "media")}) as wx:
            floor = await echo(wx.fake, wx.http, args)
            residents = Residents(wx.fake.inputs, args.wechat_residents, photos(wx.fake))
            await warm_up(wx.fake.deliver, wx.fake.inputs, args.wechat_residents)
            hemei = await open_loop("hemei", wx.fake.deliver, residents, args.wechat_residents, args.wechat_rate,
                                    args.wechat_seconds)
            found.update(echo=floor.figures(), hemei=hemei.figures())
            not_done, failed, drained = await steps_not_done(wx.runtime.database, hemei, args.wechat_residents)
            found["hemei"].update(steps_not_done=not_done, steps_failed=failed, drained_after_s=drained)
    except Exception as error:  # an overloaded bot may fail on the way out: the figures are what count here
        if "hemei" not in found:
            raise
        found["teardown_error"] = repr(error)[:200]
    found["p50_vs_echo"] = round(found["hemei"]["p50_ms"] / max(found["echo"]["p50_ms"], 0.1), 2)
    found["p99_vs_echo"] = round(found["hemei"]["p99_ms"] / max(found["echo"]["p99_ms"], 0.1), 2)
    return found


async def steps_not_done(database: Database, run: Run, residents: int) -> tuple[int, int, float]:
    """Wait for the drain to run what was left pending (up to DRAIN_PATIENCE_SECONDS); return how many pushes
    (warm-up included) have no finished step, how many were given up (failed), and how long the wait took."""
    started = time.perf_counter()
    while True:
        async with database.connection() as connection:
            counts = dict((await connection.execute(select(wechat_inbound.c.status, func.count())
                                                    .group_by(wechat_inbound.c.status))).all())
        waited = time.perf_counter() - started
        if not counts.get("pending") or waited > DRAIN_PATIENCE_SECONDS:
            break
        await asyncio.sleep(0.2)
    pushed = len(run.latencies) + run.unanswered + min(residents, 10)
    return pushed - int(counts.get("done", 0)), int(counts.get("failed", 0)), round(waited, 1)


def table(found: dict[str, Any]) -> list[str]:
    """Return the benchmark's lines of the table."""
    lines = [f"wechat callbacks: {found['rate_per_second']:g}/s for {found['seconds']:g} s from "
             f"{found['residents']} followers (click, digit, text, photo, key, location, cancel), signed and "
             "AES-encrypted, over HTTP",
             f"{'callback':<10}{'sent':>6}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'passive':>9}"
             f"{'success':>9}{'no answer':>11}"]
    for name in ("echo", "hemei"):
        row = found[name]
        lines.append(f"{name:<10}{row['callbacks']:>6}{row['per_second']:>8.1f}{row['p50_ms']:>9.1f}"
                     f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{row['passive_replies']:>9}"
                     f"{row['success_fallbacks']:>9}{row['unanswered']:>11}")
    lines.append(f"passive reply vs bare echo: p50 {found['p50_vs_echo']}x, p99 {found['p99_vs_echo']}x; "
                 f"p99 {found['hemei']['p99_ms']} ms against the {found['budget_ms']} ms budget "
                 f"({found['hemei']['success_fallbacks']} `success` fallbacks, "
                 f"{found['hemei']['steps_not_done']} pushes without a finished step, "
                 f"{found['hemei'].get('steps_failed', 0)} given up; the drain done "
                 f"{found['hemei'].get('drained_after_s', 0)} s after the last push)")
    return lines


def main() -> None:
    """Run this benchmark alone: `python -m bench.wechat_callbacks --wechat-rate 30`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--smoke", action="store_true", help="tiny counts (CI)")
    args = parser.parse_args()
    if args.smoke:
        smoke(args)
    with tempfile.TemporaryDirectory(prefix="hemei-wechat-bench-") as folder:
        found = asyncio.run(measure(args, Path(folder)))
    print("\n".join(table(found)))
    print(json.dumps(found))


if __name__ == "__main__":
    main()
