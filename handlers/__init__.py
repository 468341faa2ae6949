"""Conversations per feature, channel-neutral: events in, replies out. No Telegram here."""
