"""Learning from corrections: a staff change of what the classifier set is recorded and counts at once."""

import csv
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sasms.accounts.models import Organisation, User
from sasms.core import outbox
from sasms.core.errors import PermissionDenied
from sasms.integrations.choices import CorrectionStatus
from sasms.integrations.classifier.memory import CorrectionMemory, Example
from sasms.integrations.classifier.predict import classify
from sasms.integrations.models import ClassificationCorrection, ClassificationReview, ClassifierModel
from sasms.integrations.services.corrections import review_correction
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Category, Channel, ComponentArea
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db

TITLE = "内核崩溃 kernel panic"
TEXT = "operating system blue screen after the mpt3sas update"


def _open(customer: Organisation, title: str = TITLE, description: str = TEXT) -> Ticket:
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer, title=title, description=description, channel=Channel.EMAIL
    )
    outbox.deliver_pending()
    ticket.refresh_from_db()
    return ticket


def test_an_agents_change_is_recorded_and_the_same_text_is_classified_right_next_time(
    active_model: ClassifierModel, customer_a: Organisation, agent: User
) -> None:
    first = _open(customer_a)
    assert first.component == ComponentArea.OS  # the classifier's (applied) value
    ticket_services.update_ticket(actor=agent, ticket=first, component=ComponentArea.DRIVER)
    [correction] = ClassificationCorrection.objects.all()
    assert (correction.target, correction.from_value, correction.to_value) == ("component", "os", "driver")
    assert correction.corrected_by == agent
    assert (correction.title, correction.description) == (TITLE, TEXT)
    assert correction.review == ClassificationReview.objects.get(ticket=first)
    # The same kind of text, written a little differently: the correction decides, confidently.
    prediction = classify(TITLE, TEXT.replace("after", "since"))
    assert prediction is not None
    assert prediction.component == ComponentArea.DRIVER
    assert prediction.confident("component")
    second = _open(customer_a, description=TEXT.replace("after", "since"))
    assert second.component == ComponentArea.DRIVER
    # An unrelated text is not touched by the memory.
    other = classify("风扇告警", "FAN3 转速过低")
    assert other is not None
    assert other.component != ComponentArea.DRIVER


def test_going_back_to_the_classifiers_value_withdraws_the_correction(
    active_model: ClassifierModel, customer_a: Organisation, agent: User
) -> None:
    ticket = _open(customer_a)
    ticket_services.update_ticket(actor=agent, ticket=ticket, category=Category.HARDWARE)
    assert ClassificationCorrection.objects.filter(target="category").exists()
    ticket_services.update_ticket(actor=agent, ticket=ticket, category=Category.SOFTWARE)
    assert not ClassificationCorrection.objects.exists()


def test_priority_corrections_and_what_is_not_a_correction(
    active_model: ClassifierModel, customer_a: Organisation, agent: User
) -> None:
    ticket = _open(customer_a)
    suggested = ClassificationReview.objects.get(ticket=ticket).priority
    new = "P1" if suggested != "P1" else "P4"
    ticket_services.change_priority(actor=agent, ticket=ticket, priority=new, reason="outage")
    correction = ClassificationCorrection.objects.get(target="priority")
    assert (correction.from_value, correction.to_value) == (suggested, new)
    # The system's own changes, and requests the classifier never saw, record nothing.
    plain = ticket_services.create_ticket(actor=agent, organisation=customer_a, title="x", description="y")
    ticket_services.update_ticket(actor=agent, ticket=plain, category=Category.NETWORK)
    ticket_services.update_ticket(actor=None, ticket=ticket, component=ComponentArea.DISK)
    assert ClassificationCorrection.objects.count() == 1


def test_review_accepts_for_evaluation_or_rejects_and_forgets(
    active_model: ClassifierModel, customer_a: Organisation, agent: User, manager: User
) -> None:
    ticket = _open(customer_a)
    ticket_services.update_ticket(actor=agent, ticket=ticket, component=ComponentArea.DRIVER)
    correction = ClassificationCorrection.objects.get()
    with pytest.raises(PermissionDenied):
        review_correction(actor=agent, correction=correction, accept=True)
    assert ClassificationCorrection.objects.get().status == CorrectionStatus.NEW
    review_correction(actor=manager, correction=correction, accept=False)
    prediction = classify(TITLE, TEXT)
    assert prediction is not None
    assert prediction.component != ComponentArea.DRIVER  # rejected: forgotten


def test_the_command_lists_reviews_and_measures_before_and_after(
    active_model: ClassifierModel, customer_a: Organisation, agent: User, manager: User, tmp_path: Path
) -> None:
    ticket = _open(customer_a)
    ticket_services.update_ticket(actor=agent, ticket=ticket, component=ComponentArea.DRIVER)
    correction = ClassificationCorrection.objects.get()

    def run(*args: str) -> str:
        out = StringIO()
        call_command("classifier", *args, stdout=out)
        return out.getvalue()

    listed = run("corrections")
    assert ticket.number in listed
    assert "component: os -> driver" in listed
    assert agent.email in listed
    assert "accepted" in run("review", str(correction.pk), "--accept", "--by", manager.email)
    exported = tmp_path / "corrections.csv"
    report = run("eval", "--add-corrections", "--export", str(exported))
    assert "(1 from accepted corrections)" in report
    assert "441 texts" in report  # the 440 of the repository's set and the reviewed one
    # The request measured is left out of the memory: it cannot answer its own question.
    assert "correction memory: 0 corrections" in report
    for target in ("category", "component", "priority"):
        assert any(line.startswith(target) for line in report.splitlines())
    [row] = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert (row["title"], row["component"], row["category"]) == (TITLE, "driver", "software")


def test_the_memory_takes_the_nearest_correction_only_when_it_is_near() -> None:
    memory = CorrectionMemory(
        [
            Example("raid 卡 缓存 电池 失效 告警", "component", "raid"),
            Example("完全 不同 的 文本", "category", "other"),
        ]
    )
    ranked: dict[str, Any] = {"component": [("disk", 0.7), ("raid", 0.2)], "category": [("hardware", 0.9)]}
    moved = memory.adjust(ranked, title="raid 卡 缓存 电池 失效 告警", description="")
    assert moved["component"][0][0] == "raid"
    assert moved["component"][0][1] >= 0.9
    assert moved["category"] == ranked["category"]
    untouched = memory.adjust(ranked, title="风扇 转速 低", description="")
    assert untouched == ranked


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    from sasms.accounts.roles import Role

    return make_user(Role.SERVICE_MANAGER)
