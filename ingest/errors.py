"""How ingest answers what goes wrong: bad input is a 4xx with a reason; a database that is
briefly unavailable is a 503 with Retry-After, so providers retry instead of dropping the
message; nothing is ever answered 2xx unless it was stored."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError

from data.addresses import InvalidAddress
from data.db import error_summary

log = logging.getLogger("inbox.ingest")


def install(app: FastAPI) -> None:
    @app.exception_handler(InvalidAddress)
    async def invalid_address(_: Request, exc: InvalidAddress) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            # The first element says where the value came from ("body", "query"); the field
            # path after it is what the sender needs.
            f"{'.'.join(str(p) for p in error['loc'][1:]) or error['loc'][0]}: {error['msg']}"
            for error in exc.errors()
        ]
        return JSONResponse({"detail": "; ".join(problems) or "Invalid request."}, 422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # One line for each request refused while the database restarts.
        log.error("database error on %s: %s", request.url.path, error_summary(exc))
        return JSONResponse(
            {"detail": "The database is unavailable; retry shortly."},
            status_code=503,
            headers={"Retry-After": "5"},
        )
