"""The [consultation] configuration: documented in the example file, overridable from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from village.consultation.settings import ConsultationPolicy, SupportThresholds

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_documents_every_consultation_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")

    config = load_config(EXAMPLE, {})

    assert config.consultation == ConsultationPolicy()
    for key in [k for k in ConsultationPolicy.model_fields if k != "support_thresholds"]:
        assert f"\n{key} = " in text, key
    assert "\n[consultation.support_thresholds]\n" in text
    for key in SupportThresholds.model_fields:
        assert f"\n{key} = " in text, key
    assert config.schedules["meeting_reminders"] == "*/5 * * * *"


def test_thresholds_and_reminders_come_from_the_environment() -> None:
    config = load_config(None, {"HEMEI_CONSULTATION__SUPPORT_THRESHOLDS__HOMESTEAD": "2",
                                "HEMEI_CONSULTATION__REMINDER_HOURS": "[2, 48]"})

    assert config.consultation.support_thresholds.homestead == 2
    assert config.consultation.reminder_hours == (48, 2)


def test_a_bad_reminder_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"consultation\.reminder_hours"):
        load_config(None, {"HEMEI_CONSULTATION__REMINDER_HOURS": "[0]"})
