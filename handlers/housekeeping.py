"""Housekeeping jobs: ending lapsed conversations, forgetting old update ids and expired button tokens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from handlers.conversations import Flow
from handlers.jobs import JobContext, JobSpec
from handlers.replies import Reply
from village.outbox import MessageKind

UPDATE_MEMORY = timedelta(days=7)


def expire_job(flows: Mapping[str, Flow]) -> JobSpec:
    """Return the job that ends lapsed conversations and tells each person their draft was dropped."""

    async def run(job: JobContext) -> str:
        store = job.services.store
        expired = await store.conversations.expired(job.at, limit=1000)
        for record in expired:
            await store.conversations.delete(record.identity_id)
            flow = flows.get(record.flow)
            identity = await store.identities.get(record.identity_id)
            if flow is not None and flow.expired is not None and identity is not None:
                key = f"conversation-expired:{record.identity_id}:{record.expires_at.isoformat()}"
                await job.notify.to_identities([identity], key, Reply(flow.expired),
                                               kind=MessageKind.CONVERSATION_EXPIRED, optional=True)
        return f"{len(expired)} conversation(s) expired"

    return JobSpec("expire_conversations", "*/10 * * * *", run, "end conversations left unfinished too long")


async def _prune_updates(job: JobContext) -> str:
    removed = await job.services.store.updates.prune(job.at - UPDATE_MEMORY)
    return f"{removed} old update id(s) forgotten"


PRUNE_UPDATES = JobSpec("prune_updates", "30 3 * * *", _prune_updates, "forget handled update ids after a week")


async def _purge_callback_tokens(job: JobContext) -> str:
    removed = await job.services.store.callback_tokens.purge(job.at)
    return f"{removed} expired button token(s) forgotten"


PURGE_CALLBACK_TOKENS = JobSpec("purge_callback_tokens", "40 3 * * *", _purge_callback_tokens,
                                "forget the long button payloads whose tokens expired")
