"""The baseline for `bench.ingest`: a FastAPI app whose Twilio messaging endpoint does nothing
but answer 200 with empty TwiML. Run under the same uvicorn settings as `inbox ingest`, it
measures what the server, the framework and the load generator cost on this machine, so the
ingest's figures can be read as a share of it.

    python -m uvicorn bench.bare_app:app --loop uvloop --http httptools --port 8100
"""

from __future__ import annotations

from fastapi import FastAPI, Response

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

app = FastAPI(title="bare endpoint (benchmark baseline)")


@app.post("/webhooks/twilio/messaging")
async def messaging() -> Response:
    return Response(EMPTY_TWIML, media_type="application/xml")


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
