"""The village domain: people, places, rules and services. No Telegram, no SQL."""
