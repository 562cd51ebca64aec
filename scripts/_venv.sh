# Sourced by scripts/demo and scripts/test: create .venv and install the locked versions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ORCHESTRATOR_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
extras="${1:-}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating virtualenv $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -c1-16)$extras"
if [ ! -f "$stamp" ]; then
  echo "[setup] installing orchestrator${extras:+[$extras]} with constraints.txt" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$ROOT/constraints.txt" -e "$ROOT${extras:+[$extras]}"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
