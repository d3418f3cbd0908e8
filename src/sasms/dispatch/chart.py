"""The board's chart of sites and engineers by position, drawn as inline SVG on the server.

An equirectangular projection of the points' bounding box (longitudes shrunk by the cosine of the
middle latitude, so distances look right), a graticule every few degrees and no map tiles.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT, PAD = 800, 480, 30


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str
    kind: str  # site-urgent, site, engineer-on, engineer-off, engineer-call
    href: str = ""
    key: str = ""


@dataclass(frozen=True)
class Placed:
    x: float
    y: float
    point: Point


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[Placed] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    grid_x: list[tuple[float, str]] = field(default_factory=list)
    grid_y: list[tuple[float, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.points


def _step(span: float) -> float:
    for step in (0.1, 0.25, 0.5, 1, 2, 5, 10, 20):
        if span / step <= 8:
            return step
    return 30.0


def build_chart(points: list[Point], links: list[tuple[str, str]] = ()) -> Chart:  # type: ignore[assignment]
    """Place ``points``; ``links`` join points by ``key`` (a request and its proposed engineer)."""
    known = [p for p in points if math.isfinite(p.latitude) and math.isfinite(p.longitude)]
    chart = Chart()
    if not known:
        return chart
    lat_min, lat_max = min(p.latitude for p in known), max(p.latitude for p in known)
    lon_min, lon_max = min(p.longitude for p in known), max(p.longitude for p in known)
    lat_span, lon_span = max(lat_max - lat_min, 0.2), max(lon_max - lon_min, 0.2)
    lat_mid = (lat_max + lat_min) / 2
    shrink = max(math.cos(math.radians(lat_mid)), 0.2)
    scale = min((WIDTH - 2 * PAD) / (lon_span * shrink), (HEIGHT - 2 * PAD) / lat_span)
    lon_centre, lat_centre = (lon_max + lon_min) / 2, lat_mid

    def place(lat: float, lon: float) -> tuple[float, float]:
        return (
            round(WIDTH / 2 + (lon - lon_centre) * shrink * scale, 1),
            round(HEIGHT / 2 - (lat - lat_centre) * scale, 1),
        )

    by_key: dict[str, tuple[float, float]] = {}
    for point in known:
        x, y = place(point.latitude, point.longitude)
        chart.points.append(Placed(x, y, point))
        if point.key:
            by_key[point.key] = (x, y)
    for a, b in links:
        if a in by_key and b in by_key:
            chart.lines.append((*by_key[a], *by_key[b]))
    visible_lon = (WIDTH / 2) / (shrink * scale)
    visible_lat = (HEIGHT / 2) / scale
    step = _step(max(2 * visible_lon, 2 * visible_lat))
    lon = math.floor((lon_centre - visible_lon) / step) * step
    while lon <= lon_centre + visible_lon:
        x, _y = place(lat_centre, lon)
        if 0 <= x <= WIDTH:
            chart.grid_x.append((x, f"{lon:g}°E" if lon >= 0 else f"{-lon:g}°W"))
        lon += step
    lat = math.floor((lat_centre - visible_lat) / step) * step
    while lat <= lat_centre + visible_lat:
        _x, y = place(lat, lon_centre)
        if 0 <= y <= HEIGHT:
            chart.grid_y.append((y, f"{lat:g}°N" if lat >= 0 else f"{-lat:g}°S"))
        lat += step
    return chart
