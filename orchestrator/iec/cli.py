"""``orchestrator iec ...``: validate, round-trip and convert IEC 61968 messages from files."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from orchestrator.iec import errors
from orchestrator.iec.codec import semantic_diff, to_xml, unwrap_soap
from orchestrator.iec.envelope import Message
from orchestrator.iec.errors import IecError
from orchestrator.iec.parsing import parse_message
from orchestrator.iec.safe_xml import parse_xml
from orchestrator.iec.validation import validate_message

app = typer.Typer(help="IEC 61968-100/-9/-5 messages: validate, round-trip, convert.", no_args_is_help=True)

_SCHEMAS = typer.Option(None, "--schemas", help="Folder of extra payload XSDs (used for their namespaces). Repeatable.")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IecError(errors.OTHER, f"cannot read {path}: {exc.strerror}") from None


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="Message files (bare or SOAP)."),
             schemas: Optional[List[Path]] = _SCHEMAS) -> None:
    """Validate each file (envelope, then payload by noun); one line per file; exit 0 only if all are valid."""
    bad = 0
    for path in files:
        try:
            result = validate_message(_read(path), schema_dirs=schemas or ())
            nouns = ", ".join(n for n, _ in result.documents) or "no payload"
            typer.echo(f"{path}: OK ({result.namespace_profile.value}, {result.kind.value}, {nouns})")
        except IecError as exc:
            bad += 1
            typer.echo(f"{path}: {exc}")
    raise typer.Exit(1 if bad else 0)


@app.command()
def roundtrip(file: Path = typer.Argument(..., help="Message file."),
              schemas: Optional[List[Path]] = _SCHEMAS) -> None:
    """Parse and re-serialise to stdout; exit 0 only if the output validates and equals the input."""
    try:
        data = _read(file)
        message = parse_message(data, schema_dirs=schemas or ())
        out = to_xml(message)
        validate_message(out, schema_dirs=schemas or ())
        diff = semantic_diff(unwrap_soap(parse_xml(data))[0], unwrap_soap(parse_xml(out))[0])
    except IecError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1)
    sys.stdout.buffer.write(out + b"\n")
    sys.stdout.flush()
    if diff:
        typer.echo(f"{file}: round trip differs at {diff}", err=True)
        raise typer.Exit(1)


@app.command()
def convert(file: Path = typer.Argument(..., help="Message as XML or as the model's JSON."),
            to: str = typer.Option(..., "--to", help="Target format: json or xml."),
            schemas: Optional[List[Path]] = _SCHEMAS) -> None:
    """Convert between XML and the model's JSON (either direction); writes to stdout."""
    if to not in ("json", "xml"):
        typer.echo(f"--to must be json or xml, not {to!r}", err=True)
        raise typer.Exit(2)
    try:
        data = _read(file)
        if data.lstrip().startswith(b"{"):
            try:
                message = Message.model_validate_json(data)
            except ValueError as exc:
                typer.echo(f"{file}: not a valid message JSON: {str(exc).splitlines()[0]}", err=True)
                raise typer.Exit(1)
            validate_message(message, schema_dirs=schemas or ())
        else:
            message = parse_message(data, schema_dirs=schemas or ())
    except IecError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1)
    if to == "json":
        typer.echo(message.model_dump_json(indent=2, exclude_none=True))
    else:
        sys.stdout.buffer.write(to_xml(message, pretty=True))
        sys.stdout.flush()
