"""Savepoints sent only when needed: just before the first write of the block they guard.

Most steps only read (a lookup), and on PostgreSQL each of SAVEPOINT and RELEASE is a round trip of its own.
So a block's SAVEPOINT goes out just before its first statement that is not a SELECT (an INSERT, UPDATE,
DELETE, a nested savepoint, raw SQL), from a listener on the engine that sees every statement; a block that
never writes sends none. On success it is left unreleased: COMMIT keeps what it holds, and a later block takes
a name of its own. On an error it is rolled back to, when it was sent; before any write there is nothing to undo.

SQL sent with `exec_driver_sql` (or through the driver's own connection, as the roster's COPY) is not seen by
the listener (SQLAlchemy fires no `before_execute` for it): such a write must follow one that is, or take its own
savepoint. The repositories write through `execute` only.

A read that locks (SELECT ... FOR UPDATE) takes no savepoint: if the block is refused, its lock lasts until commit
instead of ending with the block, which only makes another worker wait a little longer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import CompoundSelect, Select, TextualSelect

_names = count(1)


@dataclass
class _Pending:
    """The savepoints of a connection's open blocks: their names, outermost first, and how many went out."""

    names: list[str] = field(default_factory=list)
    sent: int = 0


_pending: WeakKeyDictionary[Connection, _Pending] = WeakKeyDictionary()
_watched: WeakSet[Engine] = WeakSet()


@asynccontextmanager
async def deferred_savepoint(connection: AsyncConnection) -> AsyncIterator[None]:
    """Run a block whose writes roll back alone if it raises; SAVEPOINT only before its first write."""
    sync = connection.sync_connection
    assert sync is not None, "a savepoint needs a connection in a transaction"
    _watch(sync.engine)
    pending = _pending.setdefault(sync, _Pending())
    name = f"hemei_step_{next(_names)}"
    pending.names.append(name)
    try:
        yield
    except BaseException:
        depth = pending.names.index(name)
        if pending.sent > depth:  # it went out: undo the block's writes (sending no SAVEPOINT meanwhile)
            await connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
            pending.sent = depth
        raise
    finally:
        depth = pending.names.index(name)
        del pending.names[depth:]
        pending.sent = min(pending.sent, depth)
        if not pending.names:
            _pending.pop(sync, None)


def _watch(engine: Engine) -> None:
    if engine not in _watched:
        event.listen(engine, "before_execute", _before_execute)
        _watched.add(engine)


def _before_execute(connection: Connection, statement: Any, *_args: Any) -> None:
    pending = _pending.get(connection)
    if pending is None or pending.sent == len(pending.names) or _reads_only(statement):
        return
    unsent, pending.sent = pending.names[pending.sent:], len(pending.names)  # first: SAVEPOINT runs through here
    for name in unsent:
        connection.exec_driver_sql(f"SAVEPOINT {name}")


def _reads_only(statement: Any) -> bool:
    if isinstance(statement, Select | CompoundSelect | TextualSelect):
        return True
    return isinstance(statement, str) and statement.lstrip()[:6].upper() == "SELECT"
