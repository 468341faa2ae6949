"""Points on the map and the datum their numbers are in.

Telegram sends WGS-84, as GPS measures it. WeChat (and every map app in mainland China) sends
GCJ-02, the state's obfuscated datum: WGS-84 shifted by a few hundred metres in a way that
varies with place. The same spot therefore has different numbers, so a point always says its
datum, and distances are measured only after both points are in WGS-84.

The shift is the published GCJ-02 formula (Krasovsky ellipsoid, offsets in degrees), applied
only inside China's bounding box, as the map providers do; its inverse is found by fixed-point
iteration, which converges to well under a centimetre in a few steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

EARTH_RADIUS_M = 6_371_000
_KRASOVSKY_A = 6_378_245.0  # semi-major axis, metres
_KRASOVSKY_EE = 0.00669342162296594323  # eccentricity squared
_INVERSE_STEPS = 6


class Datum(StrEnum):
    """The geodetic datum a point's latitude and longitude are given in."""

    WGS84 = "wgs84"  # GPS, Telegram
    GCJ02 = "gcj02"  # mainland China's maps, WeChat


@dataclass(frozen=True)
class GeoPoint:
    """A point on the map, in degrees of `datum`."""

    latitude: float
    longitude: float
    datum: Datum

    def to(self, datum: Datum) -> GeoPoint:
        """Return the same place with its numbers in `datum`."""
        if datum is self.datum:
            return self
        if datum is Datum.GCJ02:
            return _wgs84_to_gcj02(self)
        return _gcj02_to_wgs84(self)


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    """Return the great-circle distance in metres (haversine), whatever datum either point is in."""
    a, b = a.to(Datum.WGS84), b.to(Datum.WGS84)
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _outside_china(latitude: float, longitude: float) -> bool:
    # Outside this box GCJ-02 equals WGS-84.
    return not (0.8293 <= latitude <= 55.8271 and 72.004 <= longitude <= 137.8347)


def _wgs84_to_gcj02(point: GeoPoint) -> GeoPoint:
    dlat, dlon = _offset(point.latitude, point.longitude)
    return GeoPoint(point.latitude + dlat, point.longitude + dlon, Datum.GCJ02)


def _gcj02_to_wgs84(point: GeoPoint) -> GeoPoint:
    # Find the WGS-84 point whose shift lands on `point`: start there and correct by the shift's error.
    latitude, longitude = point.latitude, point.longitude
    for _ in range(_INVERSE_STEPS):
        dlat, dlon = _offset(latitude, longitude)
        latitude, longitude = point.latitude - dlat, point.longitude - dlon
    return GeoPoint(latitude, longitude, Datum.WGS84)


def _offset(latitude: float, longitude: float) -> tuple[float, float]:
    """Return the GCJ-02 shift (degrees of latitude, of longitude) at a WGS-84 point."""
    if _outside_china(latitude, longitude):
        return 0.0, 0.0
    x, y = longitude - 105.0, latitude - 35.0
    radians = math.radians(latitude)
    magic = 1 - _KRASOVSKY_EE * math.sin(radians) ** 2
    root = math.sqrt(magic)
    dlat = _shift_latitude(x, y) * 180.0 / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * root) * math.pi)
    dlon = _shift_longitude(x, y) * 180.0 / (_KRASOVSKY_A / root * math.cos(radians) * math.pi)
    return dlat, dlon


def _waves(x: float) -> float:
    return (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0


def _shift_latitude(x: float, y: float) -> float:
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + _waves(x)
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    return shift + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0


def _shift_longitude(x: float, y: float) -> float:
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + _waves(x)
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    return shift + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
