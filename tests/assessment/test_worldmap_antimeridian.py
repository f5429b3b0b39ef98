"""Countries crossing the 180° meridian are drawn where they lie, not as bands across the map
(issue 16: Russia and Alaska)."""

from __future__ import annotations

import re

from assessment.worldmap import WIDTH, country_paths, unwrapped


def _subpaths(path: str) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", part)]
            for part in path.split("M") if part]


def test_no_ring_of_any_country_jumps_across_the_whole_map():
    for code, path in country_paths():
        for ring in _subpaths(path):
            for (x0, _y0), (x1, _y1) in zip(ring, ring[1:], strict=False):
                assert abs(x1 - x0) < WIDTH / 2, f"{code}: a segment from x={x0} to x={x1} crosses the map"


def test_russia_and_the_united_states_reach_both_edges_of_the_map():
    paths = dict(country_paths())
    for code in ("RU", "FJ"):
        xs = [x for ring in _subpaths(paths[code]) for x, _y in ring]
        assert min(xs) <= 0.5 or max(xs) >= WIDTH - 0.5, code
    russia = [x for ring in _subpaths(paths["RU"]) for x, _y in ring]
    assert min(russia) < 10 and max(russia) > WIDTH - 10  # Chukotka at the left edge too


def test_a_ring_crossing_the_meridian_runs_on_past_it():
    assert unwrapped([(179.0, 65.0), (-179.0, 66.0), (-178.0, 64.0)]) == [(179.0, 65.0), (181.0, 66.0),
                                                                          (182.0, 64.0)]
    assert unwrapped([(10.0, 1.0), (20.0, 2.0)]) == [(10.0, 1.0), (20.0, 2.0)]
