from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _ops_wired(settings: Any) -> None:
    """Wire the ops package as docs/deploy.md tells the lead to: URLs, middleware first."""
    settings.ROOT_URLCONF = "tests.ops.urls"
    settings.MIDDLEWARE = ["sasms.ops.middleware.RequestMetricsMiddleware", *settings.MIDDLEWARE]
