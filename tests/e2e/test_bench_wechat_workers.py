"""`python -m bench.wechat_workers` in its smoke mode: real worker, leader, echo and pusher processes run, and
every figure is printed (not a timed test)."""

from __future__ import annotations

import json

import pytest

from bench.wechat_workers import main

FIGURES = {"callbacks", "p50_ms", "p99_ms", "max_ms", "passive_replies", "success_fallbacks", "unanswered"}


def test_the_multi_process_benchmark_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--smoke", "--database", "sqlite"])

    lines = capsys.readouterr().out.strip().splitlines()
    [row] = json.loads(lines[-1])
    assert row["echo"].keys() >= FIGURES
    assert row["hemei"].keys() >= FIGURES | {"steps_not_done", "workers_cpu_ms_per_push"}
    assert row["hemei"]["callbacks"] == row["echo"]["callbacks"] == 10
    assert row["hemei"]["passive_replies"] + row["hemei"]["success_fallbacks"] == 10  # every push answered
    assert row["hemei"]["steps_not_done"] == 0
    assert row["hemei"]["sent_by_customer_service"] == row["hemei"]["success_fallbacks"]
    assert {"workers", "leader", "pusher", "machine"} <= row["hemei_cpu"].keys()
    table = "\n".join(lines[:-1])
    for label in ("echo p50/p99", "hemei p50/p99/max ms", "p99 vs echo", "no answer", "not done", "cpu ms/push",
                  "limit"):
        assert label in table
