"""A few problem reports for the demo, so the board (挂牌消项), the queue and duplicate detection show something.

The first is near the point the demo's location button sends, so a resident reporting a road problem
there is asked whether it is the same one (附和).
"""

from __future__ import annotations

from village.geo import Datum, GeoPoint
from village.people import Actor, Person
from village.reports import Rating, ReportDraft
from village.services import Services

ROAD_NEAR_DEMO_LOCATION = GeoPoint(30.9205, 121.4702, Datum.WGS84)  # ~60 m from the driver's 30.92, 121.47


async def seed_reports(services: Services, village_code: str = "FX01") -> None:
    """File three reports in the village: one waiting, one being handled, one closed with a rating."""
    village = await services.store.places.village_by_code(village_code)
    if village is None:
        return
    people = await services.store.people.in_village(village.id)
    wang = next(p for p in people if p.name == "王大伯")
    elsewhere = await _resident_of_grid(services, people, village.id, "二网格")
    reports = services.reports
    await reports.file(Actor.of(wang), ReportDraft("道路/设施", "村口的路灯坏了好几天，晚上很黑，老人走路不安全",
                                                  point=ROAD_NEAR_DEMO_LOCATION))
    river = await reports.file(Actor.of(elsewhere), ReportDraft("河道/水环境", "河道里漂着很多垃圾",
                                                                address="二组东河桥边"))
    await reports.accept(await _handler(services, river.handlers), river.report.id)
    green = await reports.file(Actor.of(wang), ReportDraft("绿化", "绿化带被人占了种菜"))
    worker = await _handler(services, green.handlers)
    await reports.accept(worker, green.report.id)
    await reports.resolve(worker, green.report.id, "已和种菜的村民沟通，恢复了绿化")
    await reports.rate(Actor.of(wang), green.report.id, Rating.SATISFIED)


async def _resident_of_grid(services: Services, people: list[Person], village_id: int, grid_name: str) -> Person:
    grid = next(g for g in await services.store.places.grids(village_id) if g.name == grid_name)
    return next(p for p in people if p.grid_id == grid.id and p.household_id is not None)


async def _handler(services: Services, handlers: tuple[int, ...]) -> Actor:
    person = await services.store.people.get(handlers[0])
    assert person is not None
    return Actor.of(person)
