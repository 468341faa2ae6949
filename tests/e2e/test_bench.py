"""`python -m bench` in its smoke mode: it runs, and prints every figure (not a timed test)."""

from __future__ import annotations

import json

import pytest

from bench.__main__ import main

PER_UPDATE = {"updates_per_second", "p50_ms", "p90_ms", "p99_ms", "round_trips_per_update"}
BROADCAST = {"recipients", "completion_s", "bound_s", "completion_over_bound", "reply_idle_p50_ms",
             "reply_during_p50_ms", "reply_during_p99_ms", "reply_during_max_ms", "missed", "duplicated",
             "refused_429"}
CALLBACKS = {"callbacks", "per_second", "p50_ms", "p99_ms", "max_ms", "passive_replies", "success_fallbacks",
             "unanswered"}


def test_the_benchmark_prints_every_figure_in_a_table_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--smoke"])

    lines = capsys.readouterr().out.strip().splitlines()
    found = json.loads(lines[-1])
    assert found["echo"].keys() >= PER_UPDATE
    steps = {(row["step"], row["residents"]) for row in found["hemei"]}
    assert steps == {(step, n) for step in ("/menu", "/score", "report") for n in (1, 2)}
    assert all(PER_UPDATE | {"vs_echo"} <= row.keys() and row["updates_per_second"] > 0 for row in found["hemei"])
    assert all(row["round_trips_per_update"] > 0 for row in found["hemei"])
    assert found["broadcast"].keys() >= BROADCAST
    assert (found["broadcast"]["missed"], found["broadcast"]["duplicated"]) == (0, 0)
    assert found["broadcast"]["replies_during"] > 0
    wechat = found["wechat"]
    assert wechat["echo"].keys() >= CALLBACKS
    assert wechat["hemei"].keys() >= CALLBACKS | {"steps_not_done", "p99_ms_by_input"}
    assert wechat["hemei"]["callbacks"] == wechat["echo"]["callbacks"] == 10
    assert wechat["hemei"]["passive_replies"] + wechat["hemei"]["success_fallbacks"] == 10  # every push answered
    assert wechat["hemei"]["steps_not_done"] == 0
    assert {"p50_vs_echo", "p99_vs_echo", "budget_ms"} <= wechat.keys()
    table = "\n".join(lines[:-1])
    for label in ("updates/s", "vs echo", "p99 ms", "db trips/update", "/menu", "/score", "report", "broadcast to",
                  "reply latency", "p99", "target", "missed", "sent twice", "wechat callbacks",
                  "passive reply vs bare echo", "`success` fallbacks"):
        assert label in table
