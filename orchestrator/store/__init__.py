"""The catalogue: SQLAlchemy 2 (async) models and repositories, migrated by alembic.

SQLite (aiosqlite) on the embedded default, PostgreSQL (asyncpg) on the scale-out runtime.
"""
