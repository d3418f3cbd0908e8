"""The demo data set, built app by app in dependency order.

Each app that adds demo data has a ``demo.py`` with ``build_step(*, rng, scale, progress, state)``;
``state`` carries what earlier steps made (organisations, users …) to later ones.
"""

import importlib
import random
from typing import Any

from django.db import transaction

from sasms.accounts import demo as accounts_demo
from sasms.core.progress import Progress

__all__ = ["DEMO_STEPS", "Progress", "build"]

# Apps after accounts, in dependency order; each module must define build_step.
DEMO_STEPS: list[str] = [
    "sasms.assets.demo",
    "sasms.contracts.demo",
    "sasms.tickets.demo",
    "sasms.integrations.demo",
    "sasms.dispatch.demo",
    "sasms.parts.demo",
    "sasms.field.demo",
    "sasms.knowledge.demo",
    "sasms.portal.demo",
    # Last: the clocks are replayed from every timeline event the steps above wrote.
    "sasms.sla.demo",
    # After the clocks: the analytics rollups are built from everything above.
    "sasms.analytics.demo",
    "sasms.reports.demo",
    "sasms.telemetry.demo",
    # Plans for contracts with PM visits, through the dispatcher's services.
    "sasms.maintenance.demo",
]


@transaction.atomic
def build(*, seed: int = 2026, scale: int = 1, progress: Progress) -> accounts_demo.DemoResult:
    result = accounts_demo.build(seed=seed, scale=scale, progress=progress)
    state: dict[str, Any] = {"accounts": result}
    for module_name in DEMO_STEPS:
        module = importlib.import_module(module_name)
        rng = random.Random(f"{seed}:{module_name}")
        module.build_step(rng=rng, scale=scale, progress=progress, state=state)
    return result
