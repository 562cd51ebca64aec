"""``orchestrator program``: check program definitions before an operator relies on them."""
from __future__ import annotations

from pathlib import Path

import typer

from orchestrator.core.programs import ProgramFileError, load_programs

app = typer.Typer(help="Demand-response program definitions (programs/*.yaml).", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Demand-response program definitions (programs/*.yaml)."""


@app.command("validate")
def validate(files: list[Path] = typer.Argument(..., help="Program YAML files or directories.")) -> None:
    """Validate program files; prints one line per program, or one line per problem and exits 1."""
    try:
        programs = load_programs(files)
    except ProgramFileError as exc:
        for line in exc.lines:
            typer.echo(f"orchestrator: {line}", err=True)
        raise typer.Exit(1)
    if not programs:
        typer.echo("orchestrator: no program files given", err=True)
        raise typer.Exit(2)
    for p in programs.values():
        typer.echo(f"ok {p.id}: {p.kind.value}, start {p.controls.start}, cancel {p.controls.cancel}, "
                   f"max {p.limits.max_duration_minutes} min")
