"""Points carry their datum: WGS-84 (Telegram) and GCJ-02 (WeChat) convert, and distances compare like with like."""

from __future__ import annotations

from dataclasses import replace

import pytest

from village.geo import Datum, GeoPoint, distance_m

# Public test vectors of eviltransform (github.com/googollee/eviltransform): WGS-84, then GCJ-02.
VECTORS = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]
PEOPLES_SQUARE = GeoPoint(31.2304, 121.4737, Datum.WGS84)


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_wgs84_converts_to_the_published_gcj02(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    converted = GeoPoint(*wgs, Datum.WGS84).to(Datum.GCJ02)

    assert (converted.latitude, converted.longitude, converted.datum) == (
        pytest.approx(gcj[0], abs=1e-9), pytest.approx(gcj[1], abs=1e-9), Datum.GCJ02)


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_gcj02_converts_back_to_wgs84_within_a_centimetre(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    back = GeoPoint(*gcj, Datum.GCJ02).to(Datum.WGS84)

    assert back.datum is Datum.WGS84
    assert distance_m(back, GeoPoint(*wgs, Datum.WGS84)) < 0.01


def test_central_shanghai_moves_about_south_east_in_gcj02() -> None:
    gcj = PEOPLES_SQUARE.to(Datum.GCJ02)

    assert (round(gcj.latitude, 4), round(gcj.longitude, 4)) == (31.2285, 121.4782)


def test_a_point_outside_china_is_the_same_in_both_datums() -> None:
    denver = GeoPoint(39.7392, -104.9903, Datum.WGS84)

    gcj = denver.to(Datum.GCJ02)

    assert (gcj.latitude, gcj.longitude) == (denver.latitude, denver.longitude)


def test_the_same_place_in_two_datums_is_no_distance_apart() -> None:
    gcj = PEOPLES_SQUARE.to(Datum.GCJ02)
    raw = replace(gcj, datum=Datum.WGS84)  # the GCJ-02 numbers misread as WGS-84

    assert distance_m(PEOPLES_SQUARE, gcj) < 0.01
    assert distance_m(PEOPLES_SQUARE, raw) == pytest.approx(481, abs=5)
