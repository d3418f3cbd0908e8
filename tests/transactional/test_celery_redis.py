"""Tasks round-trip through the real Redis on 127.0.0.1:6379: a real worker process, a real client process.

Both processes read their configuration from the environment exactly as a deployment does.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.redis


@pytest.fixture
def broker_env(tmp_path) -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    env.update(
        {
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
            "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/15",
            # A queue of its own, so parallel runs never take each other's messages.
            "SASMS_DEFAULT_QUEUE": f"test-{uuid.uuid4().hex[:10]}",
            "SASMS_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "sasms.settings",
        }
    )
    env.pop("DATABASE_URL", None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sasms",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            env["SASMS_DEFAULT_QUEUE"],
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield env
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_task_round_trips_through_redis(broker_env):
    token = uuid.uuid4().hex
    client = (
        "import django; django.setup();"
        "from django.conf import settings; from sasms.core.tasks import ping;"
        "assert not settings.CELERY_TASK_ALWAYS_EAGER;"
        f"print(ping.delay('{token}').get(timeout=60))"
    )
    result = subprocess.run(
        [sys.executable, "-c", client],
        env=broker_env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pong:{token}"
