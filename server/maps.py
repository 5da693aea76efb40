"""The map's shapes, served by the dashboard itself: plotly.js fetches a `geo` subplot's topojson
from its `topojsonURL` (cdn.plot.ly by default), which a visitor's network, a locked-down Space or
a test without internet may not reach. `GET /_tablero/maps/world_110m.json` answers from
assets/maps/ (gzipped once, cached by browsers for a day)."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from data.routes import MAPS

MAPS_PATH = MAPS + "{name}"
MAPS_DIR = Path(__file__).resolve().parent.parent / "assets" / "maps"
SHAPES = frozenset({"world_110m.json"})


@functools.cache
def _shapes(name: str) -> tuple[bytes, bytes]:
    data = (MAPS_DIR / name).read_bytes()
    return data, gzip.compress(data, 9)


async def maps_route(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in SHAPES:
        return Response("not found", status_code=404, media_type="text/plain")
    plain, packed = _shapes(name)
    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(plain, media_type="application/json", headers=headers)
