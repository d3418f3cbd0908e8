"""``sasms classifier corrections|review|eval``: staff corrections of the classifier and the evaluation.

* ``corrections [--status new|accepted|rejected|all]`` lists them (who, from, to, text);
* ``review ID --accept|--reject --by EMAIL`` accepts one for the evaluation set or rejects it;
* ``eval [--add-corrections] [--export FILE]`` measures the active model on the evaluation set
  without and with the correction memory (before/after); ``--add-corrections`` adds the accepted
  corrections' requests to the set (and leaves them out of the memory measured), ``--export``
  writes those requests as rows of ``eval_set.csv`` for the repository's set.
"""

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.integrations.choices import TARGETS, CorrectionStatus
from sasms.integrations.classifier.evaluation import evaluate, load_eval_set
from sasms.integrations.classifier.predict import confidence_threshold
from sasms.integrations.classifier.store import ModelFileError, load_bundle
from sasms.integrations.management.commands.train_classifier import evaluation_lines
from sasms.integrations.models import ClassificationCorrection, ClassifierModel
from sasms.integrations.services.corrections import accepted_samples, memory_without, review_correction


class Command(BaseCommand):
    help = "List and review staff corrections of the request classifier; measure it with and without them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("corrections", help="list corrections")
        listing.add_argument("--status", choices=[*CorrectionStatus.values, "all"], default="new")
        review = sub.add_parser("review", help="accept a correction for the evaluation set, or reject it")
        review.add_argument("id", type=int)
        decision = review.add_mutually_exclusive_group(required=True)
        decision.add_argument("--accept", action="store_true")
        decision.add_argument("--reject", action="store_true")
        review.add_argument("--by", required=True, help="e-mail of the service manager reviewing (audited)")
        measure = sub.add_parser("eval", help="the active model on the evaluation set, before and after")
        measure.add_argument(
            "--add-corrections", action="store_true", help="add accepted corrections to the set"
        )
        measure.add_argument(
            "--export", type=Path, help="write the accepted corrections as eval_set.csv rows"
        )
        measure.add_argument(
            "--full", action="store_true", help="per-class figures and confusion matrices too"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "corrections":
            self._list(options["status"])
        elif action == "review":
            self._review(options)
        else:
            self._eval(options)

    def _list(self, status: str) -> None:
        rows = ClassificationCorrection.objects.select_related("ticket", "corrected_by").order_by(
            "-corrected_at"
        )
        if status != "all":
            rows = rows.filter(status=status)
        shown = 0
        for row in rows[:500]:
            who = row.corrected_by.email if row.corrected_by else "-"
            text = " ".join(f"{row.title} {row.description}".split())[:80]
            self.stdout.write(
                f"{row.pk}\t{row.ticket.number}\t{row.target}: {row.from_value} -> {row.to_value}\t{who}\t"
                f"{row.corrected_at:%Y-%m-%d %H:%M}\t{row.status}\t{text}"
            )
            shown += 1
        if not shown:
            self.stdout.write("no corrections")

    def _review(self, options: dict[str, Any]) -> None:
        actor = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError("unknown or inactive user given with --by")
        correction = ClassificationCorrection.objects.filter(pk=options["id"]).first()
        if correction is None:
            raise CommandError(f"no correction {options['id']}")
        try:
            done = review_correction(actor=actor, correction=correction, accept=bool(options["accept"]))
        except ServiceError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"correction {done.pk}: {done.status}")

    def _eval(self, options: dict[str, Any]) -> None:
        active = ClassifierModel.objects.filter(is_active=True).first()
        if active is None:
            raise CommandError("no active classifier model: run 'sasms train_classifier' first")
        try:
            bundle = load_bundle(file_name=active.file_name, sha256=active.sha256)
        except ModelFileError as error:
            raise CommandError(str(error)) from error
        samples = load_eval_set()
        added = accepted_samples() if options["add_corrections"] or options["export"] else []
        if options["export"]:
            self._export(options["export"], added)
        measured_tickets: list[int] = []
        if options["add_corrections"]:
            samples = samples + added
            measured_tickets = list(
                ClassificationCorrection.objects.filter(status=CorrectionStatus.ACCEPTED).values_list(
                    "ticket_id", flat=True
                )
            )
        memory = memory_without(measured_tickets)
        threshold = confidence_threshold()
        before = evaluate(bundle, samples, threshold=threshold)
        after = evaluate(bundle, samples, threshold=threshold, memory=memory)
        self.stdout.write(
            f"Model v{active.version}; {len(samples)} texts"
            + (f" ({len(added)} from accepted corrections)" if options["add_corrections"] else "")
            + f"; correction memory: {len(memory)} corrections (those measured left out)"
        )
        self.stdout.write(
            f"{'target':<10} {'macro-F1 before':>16} {'after':>8} {'accuracy before':>16} {'after':>8}"
        )
        for target in TARGETS:
            b, a = before.targets[target], after.targets[target]
            self.stdout.write(
                f"{target:<10} {b['macro_f1']:>16.3f} {a['macro_f1']:>8.3f} "
                f"{b['accuracy']:>16.3f} {a['accuracy']:>8.3f}"
            )
        if options["full"]:
            self.stdout.write("")
            self.stdout.write("\n".join(evaluation_lines(after.as_json())))

    def _export(self, path: Path, samples: list[Any]) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["title", "description", "category", "component", "priority"])
            for s in samples:
                writer.writerow(
                    [s.title, " ".join(s.description.split()), s.category, s.component, s.priority]
                )
        self.stdout.write(f"{len(samples)} reviewed corrections written to {path}")
