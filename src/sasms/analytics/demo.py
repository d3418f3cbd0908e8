"""Demo step: the KPI facts and rollups of the demo data (runs after every other step)."""

import random
from typing import Any

from sasms.analytics.refresh import refresh_full
from sasms.core.progress import Progress


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    progress("KPI rollups", 0, 1)
    result = refresh_full()
    state["analytics"] = result
    progress("KPI rollups", result.facts, result.facts)
