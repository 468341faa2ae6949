"""Storage: tables, migrations and the repositories that implement `village.ports`. The only SQL."""
