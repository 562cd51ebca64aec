"""A small inline SVG line chart (no script, no external assets; the CSP allows it as markup)."""
from __future__ import annotations

from datetime import datetime, timezone

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 640, 200, 56, 12, 12, 28


def line_chart(points: list[tuple[int, float]], estimated: float | None, *, title: str = "Delivered kW") -> Markup:
    """Measured points (epoch seconds, kW) as a line, the estimate as a dashed level line."""
    if not points:
        return Markup("")
    xs = [p[0] for p in points]
    values = [p[1] for p in points] + ([estimated] if estimated is not None else [])
    lo, hi = min(0.0, min(values)), max(values)
    if hi == lo:
        hi = lo + 1.0
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1

    def x(t: int) -> float:
        return PAD_L + (t - x0) / span * (WIDTH - PAD_L - PAD_R)

    def y(v: float) -> float:
        return PAD_T + (hi - v) / (hi - lo) * (HEIGHT - PAD_T - PAD_B)

    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in points)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">{escape(title)}</title>',
             f'<desc id="chart-desc">Measured delivered kW over {len(points)} intervals'
             f'{f", estimate {estimated:.1f} kW" if estimated is not None else ""}.</desc>',
             f'<line class="axis" x1="{PAD_L}" y1="{HEIGHT - PAD_B}" x2="{WIDTH - PAD_R}" y2="{HEIGHT - PAD_B}"/>',
             f'<line class="axis" x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{HEIGHT - PAD_B}"/>',
             f'<text class="tick" x="{PAD_L - 6}" y="{y(hi) + 4:.1f}" text-anchor="end">{hi:,.0f}</text>',
             f'<text class="tick" x="{PAD_L - 6}" y="{y(lo) + 4:.1f}" text-anchor="end">{lo:,.0f}</text>']
    for t in (x0, x1):
        label = datetime.fromtimestamp(t, tz=timezone.utc).strftime("%H:%M UTC")
        parts.append(f'<text class="tick" x="{x(t):.1f}" y="{HEIGHT - 8}" text-anchor="middle">{label}</text>')
    if estimated is not None:
        parts.append(f'<line class="estimate" x1="{PAD_L}" y1="{y(estimated):.1f}" x2="{WIDTH - PAD_R}" '
                     f'y2="{y(estimated):.1f}"/>')
    parts.append(f'<polyline class="measured" points="{line}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
