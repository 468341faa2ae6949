"""A person's place in a multi-step conversation, kept in the database to survive restarts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Visit:
    """A state the conversation left for another, and the draft as it stood before the answer that left it.

    Going Back restores that draft, so whatever the abandoned answer (and the steps after it) set is
    dropped: a draft field belongs to the step that set it. None (records saved before drafts were
    kept per step) keeps the current draft.
    """

    state: str
    draft: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ConversationRecord:
    """The flow and state an identity is in, the draft so far, and when it lapses."""

    identity_id: int
    flow: str
    state: str
    expires_at: datetime
    draft: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[Visit, ...] = ()
    input_hidden: bool = False  # the current question withdrew what was at hand for typing (it takes choices)
