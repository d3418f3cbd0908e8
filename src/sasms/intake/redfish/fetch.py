"""Reading Redfish resources the way real BMCs serve them, through DMTF's ``redfish`` client.

Tolerance lives here so the collectors can stay simple: trailing slashes, ``#fragment`` JSON
pointers into legacy arrays, links in the wrong case, error bodies served with 200, members that
are only links or are inlined, ``@odata.nextLink`` paging that does not advance, and a cap on the
number of requests one poll may make.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import redfish  # type: ignore[import-untyped]
from redfish.rest.v1 import (  # type: ignore[import-untyped]
    InvalidCredentialsError,
    JsonDecodingError,
    RetriesExhaustedError,
    ServerDownOrUnreachableError,
    SessionCreationError,
)

ROOT = "/redfish/v1"
MAX_PAGES = 50

Note = Callable[[str, str], None]


class RedfishError(Exception):
    """The BMC cannot be polled at all (unreachable, refused credentials, no service root)."""


class Transport(Protocol):
    def get(self, path: str) -> tuple[int, Any]: ...

    def close(self) -> None: ...


class RedfishTransport:
    """DMTF ``redfish`` client behind a two-method interface (status, decoded JSON or None)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        auth: str = "session",
        timeout: int = 10,
        max_retry: int = 2,
        cafile: str | None = None,
    ) -> None:
        try:
            self._client = redfish.redfish_client(
                base_url=base_url,
                username=username,
                password=password,
                default_prefix=ROOT + "/",
                timeout=timeout,
                max_retry=max_retry,
                cafile=cafile,
            )
            self._client.login(auth=auth)
        except (InvalidCredentialsError, SessionCreationError) as exc:
            raise RedfishError(f"login refused: {exc}") from exc
        except (ServerDownOrUnreachableError, RetriesExhaustedError, JsonDecodingError, OSError) as exc:
            raise RedfishError(f"service unreachable: {type(exc).__name__}: {exc}") from exc
        self._auth = auth

    def get(self, path: str) -> tuple[int, Any]:
        try:
            response = self._client.get(path)
        except JsonDecodingError:
            return 200, None
        except (RetriesExhaustedError, ServerDownOrUnreachableError, OSError) as exc:
            raise RedfishError(f"GET {path}: {type(exc).__name__}") from exc
        try:
            return int(response.status), response.dict
        except JsonDecodingError:
            return int(response.status), None

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any, str]:
        """POST (an event subscription): status, decoded body, and the Location header."""
        try:
            response = self._client.post(path, body=body)
        except (RetriesExhaustedError, ServerDownOrUnreachableError, OSError) as exc:
            raise RedfishError(f"POST {path}: {type(exc).__name__}") from exc
        try:
            decoded = response.dict
        except JsonDecodingError:
            decoded = None
        location = response.getheader("Location") if hasattr(response, "getheader") else None
        return int(response.status), decoded, str(location or "")

    def delete(self, path: str) -> int:
        try:
            return int(self._client.delete(path).status)
        except (RetriesExhaustedError, ServerDownOrUnreachableError, OSError) as exc:
            raise RedfishError(f"DELETE {path}: {type(exc).__name__}") from exc

    def close(self) -> None:
        # Sessions are a scarce resource on a BMC (often 4–8 in total): always give them back.
        if self._auth == "session":
            try:
                self._client.logout()
            except Exception:
                return


def _pointer(document: Any, pointer: str) -> Any:
    """Resolve a JSON pointer (``/PowerSupplies/0``, HPE writes it without the leading slash)."""
    node = document
    for raw in pointer.strip("/").split("/"):
        if not raw:
            continue
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def _title_cased(path: str) -> str:
    # HPE iLO links some resources in lower case ("/redfish/v1/systems/1/bios"); the canonical
    # names start with a capital. Only all-lower-case alphabetic segments after the root are touched.
    if not path.lower().startswith(ROOT.lower() + "/"):
        return path
    rest = path[len(ROOT) :].split("/")
    return ROOT + "/".join(s[:1].upper() + s[1:] if s.isalpha() and s.islower() else s for s in rest)


class Reader:
    """Per-poll cache and tolerant GETs; records every oddity through ``note``."""

    def __init__(self, transport: Transport, note: Note, *, max_requests: int = 2000) -> None:
        self._transport = transport
        self._note = note
        self._cache: dict[str, dict[str, Any] | None] = {}
        self._remaining = max_requests

    @staticmethod
    def normalise(uri: str) -> str:
        path = re.sub(r"^https?://[^/]+", "", uri.split("#", 1)[0])
        return path.rstrip("/") or "/"

    def get(self, uri: str | None) -> dict[str, Any] | None:
        if not uri or not isinstance(uri, str):
            return None
        base, _, fragment = uri.partition("#")
        document = self._fetch(self.normalise(base))
        if fragment:
            node = _pointer(document, fragment)
            return node if isinstance(node, dict) else None
        return document

    def _fetch(self, path: str) -> dict[str, Any] | None:
        if path in self._cache:
            return self._cache[path]
        result = self._request(path)
        if result is None and _title_cased(path) != path:
            result = self._request(_title_cased(path))
        if result is None:
            self._note("missing_resource", path)
        elif not isinstance(result.get("@odata.id"), str):
            # Old BMCs omit @odata.id in the resource itself; the link we followed is its identity.
            result["@odata.id"] = path
        self._cache[path] = result
        return result

    def _request(self, path: str) -> dict[str, Any] | None:
        if self._remaining <= 0:
            self._note("request_budget_exhausted", path)
            return None
        self._remaining -= 1
        status, body = self._transport.get(path)
        if status != 200 or not isinstance(body, dict):
            return None
        # Some BMCs (and captured mockups) answer 200 with a Redfish error object.
        if "error" in body and "@odata.id" not in body and "Id" not in body:
            return None
        return body

    def link(self, resource: dict[str, Any] | None, *names: str) -> dict[str, Any] | None:
        """Follow the first navigation property present (``{"@odata.id": …}``) among ``names``."""
        if not resource:
            return None
        for name in names:
            target = resource.get(name)
            if isinstance(target, dict) and isinstance(target.get("@odata.id"), str):
                return self.get(target["@odata.id"])
        return None

    def members(self, collection: dict[str, Any] | None, *, limit: int = 5000) -> Iterator[dict[str, Any]]:
        """Members of a collection: inlined ones as they are, links fetched, pages followed."""
        seen: set[str] = set()
        page = collection
        pages = 0
        while page and pages < MAX_PAGES:
            pages += 1
            fresh = 0
            members = page.get("Members")
            for item in members if isinstance(members, list) else []:
                if not isinstance(item, dict):
                    continue
                uri = item.get("@odata.id")
                key = uri if isinstance(uri, str) else f"#{len(seen)}"
                if key in seen:
                    continue
                seen.add(key)
                fresh += 1
                if len(seen) > limit:
                    self._note("collection_truncated", f"{collection.get('@odata.id') if collection else ''}")
                    return
                # Inlined members (log entries, $expand) carry more than the link itself.
                inlined = any(not k.startswith("@") for k in item)
                full = item if inlined or not isinstance(uri, str) else self.get(uri)
                if full is not None:
                    yield full
            next_link = page.get("Members@odata.nextLink") or page.get("@odata.nextLink")
            if not isinstance(next_link, str) or fresh == 0:
                return
            page = self._fetch_page(next_link)

    def _fetch_page(self, uri: str) -> dict[str, Any] | None:
        if self._remaining <= 0:
            return None
        self._remaining -= 1
        status, body = self._transport.get(uri)
        if status != 200 or not isinstance(body, dict):
            self._note("page_unavailable", uri)
            return None
        return body

    def collection(self, resource: dict[str, Any] | None, *names: str) -> list[dict[str, Any]]:
        """Members behind a collection link, or behind an array of links (older schemas do both)."""
        if not resource:
            return []
        for name in names:
            target = resource.get(name)
            if isinstance(target, list):
                links = [t.get("@odata.id") for t in target if isinstance(t, dict)]
                return [r for link in dict.fromkeys(links) if isinstance(link, str) and (r := self.get(link))]
        return list(self.members(self.link(resource, *names)))
