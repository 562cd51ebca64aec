"""The two ways to feed processors: embedded (asyncio + SQLite) and Kafka (faust-streaming)."""
