"""``sasms train_classifier``: train the request classifier now and print its figures."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.core.errors import ServiceError
from sasms.integrations.choices import TARGETS, ModelStatus, TrainingTrigger
from sasms.integrations.classifier.training import DEFAULT_MAX_SAMPLES, DEFAULT_SEED
from sasms.integrations.services import train_classifier


class Command(BaseCommand):
    help = "Train the request classifier from resolved requests; print accuracy and macro-F1."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--max-samples", type=int, default=DEFAULT_MAX_SAMPLES)
        parser.add_argument("--min-samples", type=int, default=None)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = train_classifier(
                actor=None,
                trigger=TrainingTrigger.COMMAND,
                max_samples=options["max_samples"],
                min_samples=options["min_samples"],
                seed=options["seed"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if model.status == ModelStatus.SKIPPED:
            self.stdout.write(f"Classifier v{model.version} not trained: {model.message}")
            self.stdout.write("The classifier stays as it was.")
            return
        if model.status == ModelStatus.FAILED:
            raise CommandError(f"Training classifier v{model.version} failed: {model.message}")
        self.stdout.write(
            f"Classifier v{model.version}: {model.sample_count} samples "
            f"({model.train_count} training, {model.test_count} held out), {model.duration_seconds:.1f} s"
        )
        self.stdout.write(f"{'target':<10} {'accuracy':>9} {'macro-F1':>9}")
        for target in TARGETS:
            accuracy = getattr(model, f"{target}_accuracy") or 0.0
            macro_f1 = getattr(model, f"{target}_macro_f1") or 0.0
            self.stdout.write(f"{target:<10} {accuracy:>9.3f} {macro_f1:>9.3f}")
        state = "active" if model.is_active else f"not activated: {model.message}"
        self.stdout.write(f"Model v{model.version} is {state}.")
