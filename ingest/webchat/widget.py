"""GET /widget.js: the embeddable chat widget, a static, dependency-free script shipped in this
package, served with caching headers (an ETag, so a new release reaches pages within the
max-age while unchanged copies cost a 304)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

router = APIRouter(tags=["web chat"])

STATIC = Path(__file__).resolve().parent / "static"
MEDIA_TYPE = "text/javascript; charset=utf-8"
#: Short enough that a fix reaches every site within the hour; stale copies stay usable while
#: the browser revalidates in the background.
CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"


@lru_cache(maxsize=8)
def static_file(name: str) -> tuple[bytes, str]:
    """A file of static/ and its ETag (read once per process)."""
    content = (STATIC / name).read_bytes()
    return content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


@router.get("/widget.js", summary="The embeddable chat widget", response_class=Response)
def widget_js(request: Request) -> Response:
    content, etag = static_file("widget.js")
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=MEDIA_TYPE, headers=headers)
