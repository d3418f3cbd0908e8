"""Classification triage and a robot's test message, in a real browser."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.integrations.cache import forget_all, forget_classifier
from sasms.integrations.choices import ModelStatus, ReviewStatus, TrainingTrigger
from sasms.integrations.classifier import store, training
from sasms.integrations.classifier.training import Sample
from sasms.integrations.models import ClassificationReview, ClassifierModel, Delivery
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Channel
from sasms.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.integrations.receiver import Receiver, running_receiver
from tests.integrations.samples import generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    store.clear_cache()
    forget_all()
    yield
    forget_all()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as holder:
        yield holder


def _active_model() -> ClassifierModel:
    result = training.fit(
        [Sample(s.title, s.description, s.category, s.component, s.priority) for s in generate(600, seed=4)],
        minimum=100,
    )
    assert result.bundle is not None
    file_name, sha256, size = store.save_bundle(result.bundle, version=1)
    model = ClassifierModel.objects.create(
        version=1,
        status=ModelStatus.TRAINED,
        is_active=True,
        trigger=TrainingTrigger.COMMAND,
        file_name=file_name,
        sha256=sha256,
        file_size=size,
    )
    forget_classifier()
    return model


def test_an_agent_fills_the_triage_form_from_a_suggestion(
    page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    customer_a: Organisation,
    settings: Any,
) -> None:
    settings.SASMS_CLASSIFIER_CONFIDENCE = 0.999  # every suggestion waits for a person
    _active_model()
    agent = make_user(Role.AGENT, language="en")
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, title="Fan speed alarm on Fan4", channel=Channel.EMAIL
    )
    review = ClassificationReview.objects.get(ticket=ticket)  # classified when the creation committed
    assert review.status == ReviewStatus.PENDING
    assert review.component == "fan"
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/integrations/triage/")
    page.get_by_role("link", name=ticket.number).click()
    page.wait_for_url(f"**/integrations/triage/{review.pk}/")
    page.wait_for_load_state()  # the suggestion buttons' script is deferred: loaded by "load"
    form = page.get_by_test_id("review-form")
    expect(form.locator("#id_component")).to_have_value("fan")
    form.locator("#id_component").select_option("psu")
    form.locator("#id_decision").select_option("accept")
    page.get_by_test_id("fill-component").click()  # the suggestion's button puts it back
    expect(form.locator("#id_component")).to_have_value("fan")
    expect(form.locator("#id_decision")).to_have_value("override")
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_text(f"Classification of {ticket.number} saved.")).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).component == "fan"
    assert ClassificationReview.objects.get(pk=review.pk).status == ReviewStatus.OVERRIDDEN


# The card the intake page is to carry (the lead adds it to tickets/intake.html); injected here
# while the page does not have it yet, so the test proves the snippet as handed over.
INTAKE_CARD = """
<div class="card mb-3"><div class="card-body">
  <h2 class="h6">Suggested classification</h2>
  <div id="classification-suggestions" data-testid="classification-suggestions" aria-live="polite"
       data-fill-form="[data-testid=intake-form]"
       hx-get="/integrations/classifier/suggest/"
       hx-trigger="input changed delay:600ms from:#id_title, input changed delay:600ms from:#id_description"
       hx-include="#id_title, #id_description"></div>
</div></div>
"""


def test_the_intake_form_is_filled_from_the_suggestions(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    _active_model()
    agent = make_user(Role.AGENT, language="en")
    sign_in(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/requests/intake/")
    if page.locator("#classification-suggestions").count() == 0:
        page.evaluate(
            """([html, src]) => {
                const form = document.querySelector("[data-testid=intake-form]");
                form.insertAdjacentHTML("beforebegin", html);
                htmx.process(document.querySelector("#classification-suggestions"));
                const script = document.createElement("script");
                script.src = src;
                document.head.appendChild(script);
            }""",
            [INTAKE_CARD, f"{live_server.url}/static/integrations/suggestions.js"],
        )
    page.fill("#id_title", "内核崩溃 kernel panic 宕机")
    suggestions = page.get_by_test_id("classification-suggestions")
    expect(suggestions.get_by_test_id("fill-component")).to_contain_text("Operating system")
    suggestions.get_by_test_id("fill-category").click()
    suggestions.get_by_test_id("fill-component").click()
    suggestions.get_by_test_id("fill-priority").click()
    expect(page.locator("#id_category")).to_have_value("software")
    expect(page.locator("#id_component")).to_have_value("os")
    expect(page.locator("#id_impact")).to_have_value("1")  # P1 is high impact and high urgency
    expect(page.locator("#id_urgency")).to_have_value("1")


def test_an_administrator_adds_a_robot_and_sees_its_test_message_delivered(
    page: Page, live_server: Any, admin_user: User, receiver: Receiver
) -> None:
    sign_in(page, live_server, admin_user.email, PASSWORD)
    page.goto(f"{live_server.url}/integrations/robots/new/")
    page.fill("#id_name", "值班群 on-call")
    page.select_option("#id_kind", "wecom")
    page.fill("#id_webhook_url", f"{receiver.url}/cgi-bin/webhook/send?key=0123456789abcdef0123")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("list-table")).to_contain_text("值班群 on-call")
    page.get_by_role("link", name="值班群 on-call").click()
    page.get_by_test_id("send-test").click()
    expect(page.get_by_test_id("delivery-status")).to_have_text("Delivered")
    expect(page.get_by_test_id("attempt")).to_have_attribute("data-ok", "true")
    assert "Test message from SASMS" in receiver.requests[0].json()["markdown"]["content"]
    assert Delivery.objects.get().attempts == 1
