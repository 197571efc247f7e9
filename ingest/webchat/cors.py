"""CORS for the web-chat endpoints, limited to each widget's `allowed_origins`.

The widget runs on the business's site, so its calls are cross-origin. An actual request is
checked against its own widget's origins (known from the widget key or the visitor token):
a page elsewhere gets a 403 and no CORS headers, so the browser shows it nothing. A preflight
carries neither key nor token, so it is answered for origins that some active widget allows.
Requests without an Origin header (servers, the simulator) are not browsers' and pass.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from data import webchat
from data.models import Channel
from ingest.store import in_transaction

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type"
#: Browsers cache a preflight this long (seconds), sparing one round trip per message.
PREFLIGHT_MAX_AGE = "600"

router = APIRouter(tags=["web chat"])


def decide(request: Request, channel: Channel) -> None:
    """Check the request's Origin against the widget's; 403 when it is not allowed. The
    decision is kept on the request so every answer to it, errors included, gets the headers."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    if webchat.origin_allowed(channel, origin):
        request.state.cors_origin = origin
        return
    request.state.cors_origin = ""
    raise HTTPException(403, f"This chat widget may not be used from {origin}.")


async def headers_for(request: Request) -> dict[str, str]:
    """CORS headers for an answer to `request`. When it failed before its widget was known
    (a bad token, a rate limit), the origin is judged like a preflight, so the widget can still
    read why (401: open a new session; 429: wait)."""
    origin = request.headers.get("origin")
    if origin is None:
        return {}
    allowed = getattr(request.state, "cors_origin", None)
    if allowed is None:
        known = await in_transaction(lambda s: webchat.any_widget_allows(s, origin))
        allowed = origin if known else ""
    if not allowed:
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": allowed,
        "Access-Control-Expose-Headers": "Retry-After",
        "Vary": "Origin",
    }


def _problems(exc: RequestValidationError) -> str:
    # Worded like ingest's own handler (ingest/errors.py), which cannot add headers; only the
    # leading "body" is dropped from a location, since a field may be called "body" too.
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        if loc[:1] == ["body"]:
            loc = loc[1:]
        problems.append(f"{'.'.join(map(str, loc))}: {error['msg']}")
    return "; ".join(problems) or "Invalid request."


class ChatRoute(APIRoute):
    """A route whose every answer, errors included, carries the CORS headers it is due."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except RequestValidationError as exc:
                raise HTTPException(422, _problems(exc), await headers_for(request)) from exc
            except StarletteHTTPException as exc:
                headers = {**(exc.headers or {}), **await headers_for(request)}
                raise HTTPException(exc.status_code, exc.detail, headers) from exc
            response.headers.update(await headers_for(request))
            return response

        return route


@router.options("/chat/{path:path}", include_in_schema=False)
async def preflight(request: Request, path: str) -> Response:
    origin = request.headers.get("origin")
    method = request.headers.get("access-control-request-method", "")
    if (
        origin is None
        or method.upper() not in ("GET", "POST")
        or not await in_transaction(lambda s: webchat.any_widget_allows(s, origin))
    ):
        return Response(status_code=403, headers={"Vary": "Origin"})
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ALLOW_METHODS,
            "Access-Control-Allow-Headers": ALLOW_HEADERS,
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            "Vary": "Origin",
        },
    )
