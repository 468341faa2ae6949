"""A step's savepoint goes out only before its first write: a lookup sends none, a refused step's writes still
roll back alone."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from storage.database import Database
from storage.store import SqlStore
from storage.tables import villages


def counted(database: Database) -> list[str]:
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute",
                 lambda *a: None if str(a[2]).startswith("BEGIN") else statements.append(str(a[2])))
    return statements


class Refused(Exception):
    pass


async def refused(store: SqlStore, *codes: str, read_first: bool = False) -> None:
    """Run a savepoint block that reads (if asked), inserts villages with these codes, then is refused."""
    async with store.savepoint():
        if read_first:
            await store.connection.execute(select(func.count()).select_from(villages))
        for code in codes:
            await store.connection.execute(villages.insert().values(code=code, name=code))
        raise Refused


async def refused_around(store: SqlStore, code: str) -> None:
    """Run a savepoint block whose inner block inserts and succeeds, and which is then refused itself."""
    async with store.savepoint():
        async with store.savepoint():
            await store.connection.execute(villages.insert().values(code=code, name=code))
        raise Refused


async def village_codes(database: Database) -> list[str]:
    async with database.connection() as connection:
        return list((await connection.execute(select(villages.c.code).order_by(villages.c.code))).scalars())


async def test_a_block_that_only_reads_sends_no_savepoint(database: Database) -> None:
    statements = counted(database)

    async with database.transaction() as store, store.savepoint():
        await store.connection.execute(select(func.count()).select_from(villages))
        await store.connection.execute(select(villages.c.id).where(villages.c.id == 1).with_for_update())

    assert not any("SAVEPOINT" in s for s in statements), statements


async def test_a_refused_block_rolls_back_its_writes_and_only_them(database: Database) -> None:
    statements = counted(database)

    async with database.transaction() as store:
        await store.connection.execute(villages.insert().values(code="AA", name="甲"))
        with pytest.raises(Refused):
            await refused(store, "BB", read_first=True)
        async with store.savepoint():
            await store.connection.execute(villages.insert().values(code="CC", name="丙"))

    assert await village_codes(database) == ["AA", "CC"]
    assert [s.split()[0] for s in statements if "SAVEPOINT" in s] == ["SAVEPOINT", "ROLLBACK", "SAVEPOINT"]


async def test_a_refused_block_before_any_write_sends_nothing_and_keeps_earlier_writes(database: Database) -> None:
    statements = counted(database)

    async with database.transaction() as store:
        await store.connection.execute(villages.insert().values(code="AA", name="甲"))
        with pytest.raises(Refused):
            await refused(store, read_first=True)

    assert await village_codes(database) == ["AA"]
    assert not any("SAVEPOINT" in s for s in statements), statements


async def test_nested_blocks_roll_back_to_their_own_savepoint(database: Database) -> None:
    async with database.transaction() as store:
        async with store.savepoint():
            await store.connection.execute(villages.insert().values(code="AA", name="甲"))
            with pytest.raises(Refused):
                await refused(store, "BB")
            async with store.connection.begin_nested():  # SQLAlchemy's own savepoints nest inside
                await store.connection.execute(villages.insert().values(code="CC", name="丙"))
        with pytest.raises(Refused):
            await refused_around(store, "DD")

    assert await village_codes(database) == ["AA", "CC"]
