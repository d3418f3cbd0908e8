"""A real HTTP server on 127.0.0.1 that records what it receives and answers as planned."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode())

    def header(self, name: str) -> str:
        """Header names are case-insensitive (urllib sends ``X-sasms-event``)."""
        return {k.lower(): v for k, v in self.headers.items()}[name.lower()]


@dataclass
class Receiver:
    """Answers each POST with the next planned ``(status, body)``; the last one repeats."""

    url: str
    requests: list[Received] = field(default_factory=list)
    plan: list[tuple[int, bytes]] = field(default_factory=lambda: [(200, b'{"errcode": 0, "errmsg": "ok"}')])

    def answer(self, *responses: tuple[int, bytes | dict[str, Any]]) -> None:
        self.plan = [
            (code, body if isinstance(body, bytes) else json.dumps(body).encode()) for code, body in responses
        ]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            receiver.requests.append(
                Received("POST", parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
            )
            status, answer = receiver.plan.pop(0) if len(receiver.plan) > 1 else receiver.plan[0]
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    holder = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    holder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
