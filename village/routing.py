"""Which of a person's accounts a queued message goes to (one person, a Telegram and a WeChat identity).

A message is queued once per person and resolved to one identity when it is sent, so that it follows
the person to the channel they last used, and to their other channel when that one cannot reach them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import StrEnum

from village.people import Identity


class Prefer(StrEnum):
    """Which channel a person's messages go to when they have accounts on several."""

    LAST_USED = "last_used"  # where the person last wrote from
    TELEGRAM = "telegram"
    WECHAT = "wechat"


def choose_identity(identities: Sequence[Identity], prefer: Prefer,
                    channels: Collection[str] | None = None) -> Identity | None:
    """Return the account to send to: the preferred one among those reachable on a running channel
    (`channels`; None: any).

    None when no account can be reached: the caller then records the outcome on the account the
    message was queued for (blocked, or parked for the person's return).
    """
    reachable = [i for i in identities if i.unreachable_since is None and (channels is None or i.channel in channels)]
    if not reachable:
        return None
    if prefer is not Prefer.LAST_USED:
        on_preferred = [i for i in reachable if i.channel == prefer.value]
        if on_preferred:
            reachable = on_preferred
    # Latest inbound first; between equals the older account (lower id), so the choice is stable.
    return max(reachable, key=lambda i: (i.last_seen.timestamp() if i.last_seen else float("-inf"), -i.id))


def queued_for(identities: Sequence[Identity]) -> list[Identity]:
    """Return one identity per person (their first account; unbound accounts each count alone).

    The outbox key names this identity, so that queueing the same message again finds the same row.
    """
    first: dict[int, Identity] = {}
    alone: list[Identity] = []
    for identity in identities:
        if identity.person_id is None:
            alone.append(identity)
        elif identity.person_id not in first or identity.id < first[identity.person_id].id:
            first[identity.person_id] = identity
    chosen = {i.id for i in (*first.values(), *alone)}
    return [i for i in identities if i.id in chosen]
