"""Web chat: the embeddable widget, visitor sessions, messages and live replies.

`widget` serves /widget.js, `api` the widget's /chat calls (with `cors`, `tokens` and
`ratelimit`), `demo` a sample business page with the widget on it.
"""

from fastapi import APIRouter

from ingest.webchat import api, cors, demo, widget

router = APIRouter(tags=["web chat"])
for _part in (widget, api, demo, cors):
    router.include_router(_part.router)
