"""HTTP adapters: REST API, IEC endpoint, console and /metrics, served by aiohttp."""
