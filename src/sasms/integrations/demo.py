"""Demo step: the first classifier model, trained from the demo's resolved requests.

Runs after the tickets step. The sample is capped so that the step takes a few seconds.
"""

import random
from typing import Any

from sasms.core.progress import Progress
from sasms.integrations.choices import TrainingTrigger
from sasms.integrations.services import train_classifier

DEMO_MAX_SAMPLES = 10_000


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    progress("Request classifier", 0, 1)
    model = train_classifier(
        actor=None, trigger=TrainingTrigger.DEMO, max_samples=DEMO_MAX_SAMPLES, seed=rng.randrange(1, 10_000)
    )
    state["classifier"] = model
    progress("Request classifier", 1, 1)
