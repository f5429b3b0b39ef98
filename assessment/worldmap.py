"""A world map drawn on the server as SVG paths, from the vendored Natural Earth TopoJSON
(``static/assessment/vendor/world-atlas/countries-110m.json``, world-atlas 2.0.2, ISC licence).

No script and no map service: the dashboard embeds the ``<svg>`` and colours each country
with a CSS class.  TopoJSON keeps shared borders once as quantised, delta-encoded arcs;
``country_paths`` decodes them and projects longitude and latitude equirectangularly.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django_countries import countries

WORLD_FILE = Path(__file__).parent / "static" / "assessment" / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH, HEIGHT = 1000, 480
ANTARCTICA = "010"
# Taiwan is drawn and coloured as part of China.
MERGED_INTO = {"158": "CN"}


def _project(lon: float, lat: float) -> tuple[float, float]:
    x = (lon + 180) * WIDTH / 360
    y = (84 - lat) * HEIGHT / 144  # from 84° N to 60° S, Antarctica left out
    return round(x, 1), round(y, 1)


@lru_cache(maxsize=1)
def country_paths() -> tuple[tuple[str, str], ...]:
    """((ISO alpha-2 code, SVG path data), ...) for every country of the map."""
    topology = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
            points.extend(arc[1:] if points else arc)
        return "".join(_drawn(unwrapped(points)))

    paths: dict[str, list[str]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric is None or numeric == ANTARCTICA:
            continue
        code = MERGED_INTO.get(numeric) or countries.alpha2(int(numeric))
        if not code:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        paths.setdefault(code, []).extend(ring(r) for polygon in polygons for r in polygon)
    return tuple((code, "".join(parts)) for code, parts in sorted(paths.items()))


def unwrapped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring whose longitudes jump across the 180° meridian (Russia's Chukotka, Fiji, the
    Aleutians) made continuous, the jump taken as the short way round: its longitudes then run
    past ±180° instead of a band across the whole map."""
    if not points:
        return points
    out = [points[0]]
    shift = 0.0
    for (previous, _lat0), (lon, lat) in zip(points, points[1:], strict=False):
        if lon - previous > 180:
            shift -= 360
        elif previous - lon > 180:
            shift += 360
        out.append((lon + shift, lat))
    return out


def _drawn(points: list[tuple[float, float]]) -> list[str]:
    """The ring as SVG path data; a ring running past ±180° is drawn again on the map's other
    side, so each edge shows its part (the ``<svg>``'s view box clips what lies outside)."""
    def path(offset: float) -> str:
        return "M" + "L".join("{},{}".format(*_project(lon + offset, lat)) for lon, lat in points) + "Z"

    drawn = [path(0)]
    if max(lon for lon, _lat in points) > 180:
        drawn.append(path(-360))
    if min(lon for lon, _lat in points) < -180:
        drawn.append(path(360))
    return drawn


def shade(value: int, highest: int) -> int:
    """A colour step from 0 (nothing) to 5 (the busiest country)."""
    if value <= 0 or highest <= 0:
        return 0
    return min(5, 1 + (4 * value) // highest)
