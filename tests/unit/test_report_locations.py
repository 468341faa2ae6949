"""A report's location keeps its datum in a draft, and goes out to a channel in WGS-84."""

from __future__ import annotations

import pytest

from handlers.reports.filing import point_json, point_of
from handlers.reports.notices import media_replies
from tests.unit.test_report_rules import report
from village.geo import Datum, GeoPoint

SPOT = GeoPoint(30.92, 121.47, Datum.WGS84)


def test_a_draft_point_keeps_its_datum() -> None:
    twin = SPOT.to(Datum.GCJ02)

    assert point_of(point_json(twin)) == twin


def test_a_draft_saved_before_datums_were_kept_holds_telegram_s_wgs84() -> None:
    assert point_of([30.92, 121.47]) == SPOT


def test_a_gcj02_report_s_location_is_sent_in_wgs84() -> None:
    located = report(1, SPOT.to(Datum.GCJ02))

    [reply] = media_replies(located, [])

    assert reply.location == (pytest.approx(SPOT.latitude, abs=1e-7), pytest.approx(SPOT.longitude, abs=1e-7))
