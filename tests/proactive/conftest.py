"""Fixtures of the proactive tests: a small fleet of one customer, and helpers to poll BMC mockups."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel, Vendor


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def vendor(db: None) -> Vendor:
    return asset_services.create_vendor(actor=None, name="HPE", code="hpe")


@pytest.fixture
def model_of(vendor: Vendor) -> Callable[..., ServerModel]:
    made: dict[tuple[str, str], ServerModel] = {}

    def make(name: str, owner: Vendor | None = None, **fields: Any) -> ServerModel:
        owner = owner or vendor
        if (owner.code, name) not in made:
            made[(owner.code, name)] = asset_services.create_server_model(
                actor=None, vendor=owner, name=name, **fields
            )
        return made[(owner.code, name)]

    return make


@pytest.fixture
def add_server(model_of: Callable[..., ServerModel]) -> Callable[..., Server]:
    def make(
        organisation: Organisation, serial: str, model: str = "ProLiant DL325 Gen10 Plus", **fields: Any
    ) -> Server:
        return asset_services.create_server(
            actor=None, model=model_of(model), serial=serial, organisation=organisation, **fields
        )

    return make


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    from tests.intake.redfish_server import serve_mockup

    stack: list[Any] = []

    def start(root: Path, **options: Any) -> str:
        manager = serve_mockup(root, **options)
        url, _log = manager.__enter__()
        stack.append(manager)
        return url

    yield start
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


@pytest.fixture
def register(admin_user: User) -> Callable[..., Any]:
    from sasms.intake.services import config

    def make(server: Server, url: str) -> Any:
        host, port = url.removeprefix("http://").split(":")
        return config.create_bmc_endpoint(
            actor=admin_user,
            server=server,
            password="secret",
            address=host,
            port=int(port),
            scheme="http",
            username="admin",
            auth="basic",
            log_since=None,
        )

    return make
