"""The [reports] configuration: documented in the example, validated with the key named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from village.settings import ReportPolicy

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_example_config_documents_every_report_key_with_its_default() -> None:
    config = load_config(EXAMPLE, {})

    text = EXAMPLE.read_text(encoding="utf-8")
    undocumented = [name for name in ReportPolicy.model_fields
                    if not re.search(rf"^{name} = |^\[reports\.{name}\]", text, re.MULTILINE)]

    assert config.reports == ReportPolicy()
    assert undocumented == []
    assert config.schedules["report_overdue"] == "0 9 * * *"


def test_environment_overrides_a_report_key() -> None:
    config = load_config(None, {"HEMEI_REPORTS__MAX_PER_DAY": "3", "HEMEI_REPORTS__NEARBY_METERS": "50"})

    assert config.reports.max_per_day == 3
    assert config.reports.nearby_meters == 50


@pytest.mark.parametrize("environ", [
    {"HEMEI_REPORTS__RESOLVE_DAYS": '{"没有这个类别": 3}'},
    {"HEMEI_REPORTS__FEEDBACK_REMINDER_DAYS": "8"},
    {"HEMEI_REPORTS__MAX_PER_DAY": "0"},
])
def test_bad_report_settings_name_the_section(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="reports"):
        load_config(None, environ)


def test_resolve_days_fall_back_to_the_default() -> None:
    policy = ReportPolicy(categories=("道路/设施", "其他"), resolve_days={"道路/设施": 20}, default_resolve_days=7)

    assert policy.resolve_working_days("道路/设施") == 20
    assert policy.resolve_working_days("其他") == 7
