"""Demo step: the SLA clocks of every demo request, replayed from its timeline.

It runs after every app that writes timeline events (visits, parts), so ``sasms sla verify``
finds the demo's clocks exactly as the live path would have left them.
"""

import random
from typing import Any

from sasms.core.progress import Progress
from sasms.sla.clocks.replay import backfill
from sasms.sla.specs import pinned_specs


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    progress("SLA clocks", 0, 1)
    with pinned_specs():
        made = backfill()
    progress("SLA clocks", made, made)
