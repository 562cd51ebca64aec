"""Subcommand groups of the ``orchestrator`` CLI that live outside ``cli.py``."""
