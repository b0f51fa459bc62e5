"""A small HTTP/1.1 load client on asyncio: keep-alive connections, nothing but the standard library.

Enough for what the benchmarks send (one host, GET and form POSTs, Content-Length or
chunked answers) and cheap enough per request that a few thousand requests a second
still leave most of the two cores to the server. It runs on the same machine as the
server, and what it costs is part of every figure on both sides of a ratio.
"""

import asyncio
import contextlib
import math
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST_HEADER = "bench.local"
# Production settings redirect plain HTTP to HTTPS and trust this header from the proxy.
BASE_HEADERS = {"Host": HOST_HEADER, "X-Forwarded-Proto": "https", "User-Agent": "sx-bench"}
# A secure POST must name its origin (Django's CSRF check of the Origin header).
ORIGIN = f"https://{HOST_HEADER}"


@dataclass
class Request:
    method: str
    path: str
    cookies: dict = field(default_factory=dict)
    form: dict | None = None

    def encode(self) -> bytes:
        headers = dict(BASE_HEADERS)
        body = b""
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.form is not None:
            body = urlencode(self.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = ORIGIN
        if self.method != "GET":
            headers["Content-Length"] = str(len(body))
        head = f"{self.method} {self.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return head.encode("latin-1") + b"\r\n" + body


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float  # from the first byte sent to the last byte read

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=4 * 1024 * 1024)

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None

    async def send(self, request: Request) -> Response:
        data = request.encode()
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            started = time.perf_counter()
            try:
                self.writer.write(data)
                response = await self._read()
                response.seconds = time.perf_counter() - started
                if response.headers.get("connection", "").lower() == "close":
                    await self.close()
                return response
            except (ConnectionError, asyncio.IncompleteReadError):
                # A keep-alive connection the server dropped between two requests: once more on a new one.
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _read(self) -> Response:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(part[:-2] for part in parts)
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        return Response(status, headers, body, 0.0)


@dataclass
class Outcome:
    """One request's result as the benchmarks count it."""

    label: str  # what the caller's classify() made of it ("booked", "taken", "5xx", ...)
    status: int
    seconds: float


async def closed_loop(*, host, port, connections: int, next_request, classify, seconds: float) -> tuple[list, float]:
    """`connections` clients each sending a request as soon as the previous answer arrives.

    Stops after `seconds` or when next_request() returns None (the prepared supply is
    used up). Returns the outcomes and the elapsed wall time.
    """
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    deadline = started + seconds

    async def client():
        connection = Connection(host, port)
        try:
            while time.perf_counter() < deadline:
                request = next_request()
                if request is None:
                    return
                response = await connection.send(request)
                outcomes.append(Outcome(classify(response), response.status, response.seconds))
        finally:
            await connection.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return outcomes, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
