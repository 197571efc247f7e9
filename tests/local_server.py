"""A FastAPI app served by uvicorn on 127.0.0.1 in a background thread: the base of the
provider stand-ins (OpenAI, Twilio), so tests talk to a real HTTP server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Self

import uvicorn
from fastapi import FastAPI


class LocalServer:
    """Subclasses set `self.app` (and `name`, for error messages) before `start()`."""

    name = "local server"
    app: FastAPI

    def __init__(self) -> None:
        self._port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return self._port

    async def _sleep(self, seconds: float) -> None:
        # Sleep in short steps so stop() is never held up by a reply the client gave up on.
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(min(0.05, deadline - time.monotonic()))

    def start(self) -> Self:
        # Bind port 0 ourselves: the port is known before uvicorn starts and no other test takes it.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:  # set once uvicorn is listening
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {self.name} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._stopping.set()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        if self._thread.is_alive():
            raise RuntimeError(f"the {self.name} did not stop")
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
