"""A small threaded HTTP server for a "short form" Redfish mockup directory (GET only).

URL ``/redfish/v1/<path>`` is the file ``<mockup>/<path>/index.json``, as the fixtures' README says.
Like ``sushy-static`` it answers 404 to query strings, and accepts any credentials for basic auth.
A session login (POST /redfish/v1/SessionService/Sessions) is answered with a token, so the
library's default session flow works too.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote


def make_handler(root: Path, log: list[str], reject_login: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            log.append(self.path)
            if "?" in self.path or not self.path.startswith("/redfish/v1"):
                self._send(404, b'{"error": {"code": "Base.1.0.ResourceMissingAtURI"}}')
                return
            relative = unquote(self.path[len("/redfish/v1") :]).strip("/")
            target = (root / relative / "index.json").resolve()
            if root.resolve() not in target.parents and target != root.resolve() / "index.json":
                self._send(404, b"{}")
                return
            if not target.is_file():
                self._send(404, b'{"error": {"code": "Base.1.0.ResourceMissingAtURI"}}')
                return
            self._send(200, target.read_bytes())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            log.append("POST " + self.path)
            if self.path.rstrip("/").endswith("/EventService/Subscriptions"):
                # A BMC answers a new EventDestination with 201 and its Location; the body is kept
                # in the log (as the next line) for the test to read.
                log.append(body.decode("utf-8", "replace"))
                location = "/redfish/v1/EventService/Subscriptions/99"
                self._send(201, json.dumps({"@odata.id": location}).encode(), {"Location": location})
                return
            if reject_login:
                self._send(401, b'{"error": {"code": "Base.1.0.NoValidSession"}}')
                return
            if self.path.rstrip("/").endswith("/SessionService/Sessions"):
                body = json.dumps({"@odata.id": "/redfish/v1/SessionService/Sessions/1", "Id": "1"}).encode()
                headers = {"X-Auth-Token": "test-token", "Location": "/redfish/v1/SessionService/Sessions/1"}
                self._send(201, body, headers)
                return
            self._send(405, b"{}")

        def do_DELETE(self) -> None:
            log.append("DELETE " + self.path)
            self._send(204, b"")

    return Handler


@contextmanager
def serve_mockup(root: Path, *, reject_login: bool = False) -> Iterator[tuple[str, list[str]]]:
    """Serve ``root`` on a free port of 127.0.0.1; yields the base URL and the request log."""
    log: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(root, log, reject_login))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class MockupFiles:
    """A :class:`~sasms.intake.redfish.Transport` reading a mockup directory straight from disk.

    The same URL-to-file mapping as the HTTP server, without sockets: for the report over every
    mockup, where only the walk's outcome matters, not the client library's session handling.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def get(self, path: str) -> tuple[int, object]:
        if "?" in path or not path.startswith("/redfish/v1"):
            return 404, {"error": {"code": "Base.1.0.ResourceMissingAtURI"}}
        relative = unquote(path[len("/redfish/v1") :]).strip("/")
        target = (self.root / relative / "index.json").resolve()
        if self.root not in target.parents and target != self.root / "index.json":
            return 404, {}
        if not target.is_file():
            return 404, {"error": {"code": "Base.1.0.ResourceMissingAtURI"}}
        try:
            return 200, json.loads(target.read_bytes())
        except ValueError:
            return 200, None

    def close(self) -> None:
        return None
