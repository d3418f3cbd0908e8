"""``sasms train_classifier``: train the request classifier now and print its figures."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.core.errors import ServiceError
from sasms.integrations.choices import TARGETS, ModelStatus, TrainingTrigger
from sasms.integrations.classifier.training import DEFAULT_BASE_EXAMPLES, DEFAULT_MAX_SAMPLES, DEFAULT_SEED
from sasms.integrations.services import train_classifier

TRUE_BY_PREDICTED = "true \\ predicted"


def evaluation_lines(measured: dict[str, Any]) -> list[str]:
    """The evaluation-set report as text: per target macro-F1, calibration error, the share
    confident enough to apply, per-class precision/recall and the confusion matrix."""
    lines = [
        f"Evaluation set: {measured['count']} texts never trained on; "
        f"threshold {measured['threshold']:.2f} on calibrated probability",
        f"{'target':<10} {'macro-F1':>9} {'accuracy':>9} {'ECE':>7} {'confident':>10} "
        f"{'right when confident':>21}",
    ]
    for target in TARGETS:
        t = measured["targets"][target]
        lines.append(
            f"{target:<10} {t['macro_f1']:>9.3f} {t['accuracy']:>9.3f} {t['ece']:>7.3f} "
            f"{t['confident_share']:>10.1%} {t['confident_accuracy']:>21.1%}"
        )
    lines.append(
        f"Applied automatically: {measured['automatic_share']:.1%} "
        f"(right {measured['automatic_accuracy']:.1%}); sent to triage: {1 - measured['automatic_share']:.1%}"
    )
    for target in TARGETS:
        t = measured["targets"][target]
        lines.append("")
        lines.append(f"{target}: {'class':<15} {'precision':>9} {'recall':>7} {'support':>8}")
        for label, row in t["per_class"].items():
            lines.append(
                f"{'':<{len(target) + 2}}{label:<15} {row['precision']:>9.3f} {row['recall']:>7.3f} "
                f"{row['support']:>8}"
            )
        labels = t["confusion"]["labels"]
        width = max(6, *(len(label) for label in labels)) + 1
        lines.append(
            f"{TRUE_BY_PREDICTED:<16}" + "".join(f"{label[: width - 1]:>{width}}" for label in labels)
        )
        for label, counts in zip(labels, t["confusion"]["matrix"], strict=True):
            lines.append(f"{label:<16}" + "".join(f"{n:>{width}}" for n in counts))
    return lines


class Command(BaseCommand):
    help = (
        "Train the request classifier from resolved requests and the built-in examples; print the "
        "held-out figures and the report on the evaluation set."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--max-samples", type=int, default=DEFAULT_MAX_SAMPLES)
        parser.add_argument("--min-samples", type=int, default=None)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--base-examples",
            type=int,
            default=DEFAULT_BASE_EXAMPLES,
            help="Built-in labelled examples learnt from besides the resolved requests (0: none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = train_classifier(
                actor=None,
                trigger=TrainingTrigger.COMMAND,
                max_samples=options["max_samples"],
                min_samples=options["min_samples"],
                seed=options["seed"],
                base_examples=options["base_examples"],
                progress=lambda step, steps, what: self.stdout.write(f"[{step}/{steps}] {what}", ending="\n"),
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
        measured = (model.report or {}).get("evaluation")
        if measured:
            self.stdout.write("")
            for line in evaluation_lines(measured):
                self.stdout.write(line)
            self.stdout.write("")
        state = "active" if model.is_active else f"not activated: {model.message}"
        self.stdout.write(f"Model v{model.version} is {state}.")
