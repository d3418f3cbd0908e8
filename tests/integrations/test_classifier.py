"""The classifier: figures on a generated bilingual set, the command, the registry, the off state."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.core.errors import Conflict, PermissionDenied
from sasms.core.models import AuditEntry
from sasms.integrations import services
from sasms.integrations.choices import ModelStatus, TrainingTrigger
from sasms.integrations.classifier import store, training
from sasms.integrations.classifier.predict import classify
from sasms.integrations.models import ClassifierModel
from tests.integrations.conftest import samples

pytestmark = pytest.mark.django_db
SANE_MACRO_F1 = 0.9


def test_fitted_on_a_bilingual_set_the_classifier_scores_well_on_held_out_requests(
    fitted: training.TrainingResult,
) -> None:
    assert fitted.train_count + fitted.test_count == fitted.sample_count == 2500
    assert fitted.test_count == 500
    for target in ("category", "component", "priority"):
        report = fitted.reports[target]
        assert report.macro_f1 > SANE_MACRO_F1, (target, report.macro_f1)
        assert report.accuracy > SANE_MACRO_F1, (target, report.accuracy)
    assert set(fitted.reports["component"].classes) >= {"disk", "memory", "psu", "fan", "nic", "os"}
    # The held-out split is stratified: every component is represented in it.
    assert set(fitted.reports["component"].test_support) == set(fitted.reports["component"].classes)


def test_the_same_seed_gives_the_same_figures() -> None:
    first = training.fit(samples(400, seed=3), minimum=100, seed=9)
    second = training.fit(samples(400, seed=3), minimum=100, seed=9)
    assert {t: r.macro_f1 for t, r in first.reports.items()} == {
        t: r.macro_f1 for t, r in second.reports.items()
    }


def test_too_few_samples_are_refused_with_the_reason() -> None:
    result = training.fit(samples(50, seed=1), minimum=200)
    assert result.bundle is None
    assert "Only 50 resolved requests" in result.skipped_reason


def test_one_class_only_is_not_a_model() -> None:
    same = [training.Sample("Disk failed", "", "hardware", "disk", "P2") for _ in range(300)]
    result = training.fit(same, minimum=100)
    assert result.bundle is None
    assert "fewer than two category values" in result.skipped_reason


def test_the_command_trains_from_resolved_requests_and_prints_the_figures(
    closed_tickets: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    closed_tickets(900)
    call_command("train_classifier", "--min-samples", "100", "--base-examples", "0")
    out = capsys.readouterr().out
    assert "Classifier v1: 900 samples (720 training, 180 held out)" in out
    held_out = out.split("Evaluation set")[0]
    lines = {line.split()[0]: line.split()[1:] for line in held_out.splitlines() if line.split()}
    for target in ("category", "component", "priority"):
        accuracy, macro_f1 = (float(v) for v in lines[target])
        assert accuracy > SANE_MACRO_F1
        assert macro_f1 > SANE_MACRO_F1
    assert "Model v1 is active." in out
    model = ClassifierModel.objects.get()
    assert model.status == ModelStatus.TRAINED
    assert model.is_active
    assert model.component_macro_f1 == pytest.approx(float(lines["component"][1]), abs=0.0006)
    stored = Path(settings.MEDIA_ROOT) / "private" / "classifier" / model.file_name
    assert stored.is_file()
    assert stored.stat().st_size == model.file_size
    assert AuditEntry.objects.filter(action="integrations.classifier.train", object_id=str(model.pk)).exists()
    prediction = classify("硬盘离线，RAID 降级", "Disk in slot 3 is offline")
    assert prediction is not None
    assert prediction.model_version == 1
    assert (prediction.category, prediction.component) == ("hardware", "disk")


def test_with_too_few_requests_the_command_says_so_and_the_classifier_stays_off(
    closed_tickets: Callable[..., int],
    capsys: pytest.CaptureFixture[str],
    client_for: Callable[[User], Client],
    agent: User,
) -> None:
    closed_tickets(30)
    call_command("train_classifier")
    out = capsys.readouterr().out
    assert (
        "Classifier v1 not trained: Only 30 resolved requests to learn from; at least 200 are needed." in out
    )
    assert ClassifierModel.objects.get().status == ModelStatus.SKIPPED
    assert classify("Disk failed", "") is None
    page = client_for(agent).get(reverse("integrations:suggest"), {"title": "Disk failed"})
    assert page.status_code == 200
    assert "the classifier is off" in page.content.decode()
    assert "Only 30 resolved requests" in page.content.decode()


def test_a_worse_model_is_kept_inactive_and_can_be_activated_by_a_manager(
    active_model: ClassifierModel, closed_tickets: Callable[..., int], manager: User
) -> None:
    ClassifierModel.objects.filter(pk=active_model.pk).update(
        category_macro_f1=1.0, component_macro_f1=1.0, priority_macro_f1=1.0
    )
    closed_tickets(300)
    # Much label noise: the new model is clearly worse than a perfect one.
    new = services.train_classifier(
        actor=manager, trigger=TrainingTrigger.BUTTON, min_samples=100, base_examples=0
    )
    assert new.status == ModelStatus.TRAINED
    assert not new.is_active
    assert "Kept the active model" in new.message
    services.activate_model(actor=manager, model=new)
    assert list(ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True)) == [
        new.version
    ]
    assert classify("Fan speed alarm", "") is not None


def test_only_managers_train_and_runs_do_not_overlap(agent: User, manager: User) -> None:
    with pytest.raises(PermissionDenied):
        services.train_classifier(actor=agent)
    ClassifierModel.objects.create(version=1, trigger=TrainingTrigger.BUTTON, status=ModelStatus.TRAINING)
    with pytest.raises(Conflict):
        services.train_classifier(actor=manager)
    assert ClassifierModel.objects.count() == 1


def test_a_model_file_that_does_not_match_its_digest_is_never_loaded(active_model: ClassifierModel) -> None:
    path = Path(settings.MEDIA_ROOT) / "private" / "classifier" / active_model.file_name
    path.write_bytes(path.read_bytes() + b"tampered")
    store.clear_cache()
    assert classify("Disk failed", "") is None
    with pytest.raises(store.ModelFileError):
        store.load_bundle(file_name=active_model.file_name, sha256=active_model.sha256)


def test_the_managers_page_shows_figures_and_history_and_exports(
    active_model: ClassifierModel, manager: User, agent: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(manager).get(reverse("integrations:classifier"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Active model v1" in html
    assert active_model.component_macro_f1 is not None
    assert f"{active_model.component_macro_f1 * 100:.1f} %" in html
    export = client_for(manager).get(reverse("integrations:classifier"), {"export": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()  # type: ignore[attr-defined]
    assert rows[0].startswith("Version,Status,Active")
    assert rows[1].startswith("v1,Trained,✓")
    assert client_for(agent).get(reverse("integrations:classifier")).status_code == 403


def test_the_managers_page_in_chinese(active_model: ClassifierModel, make_user: Callable[..., Any]) -> None:
    from sasms.accounts.roles import Role

    chinese = make_user(Role.SERVICE_MANAGER, language="zh-hans")
    client = Client()
    client.force_login(chinese, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("integrations:classifier"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in page.content.decode()


def test_retrain_button_trains_a_new_version(
    closed_tickets: Callable[..., int], manager: User, client_for: Callable[[User], Client], settings: Any
) -> None:
    settings.SASMS_CLASSIFIER_MIN_SAMPLES = 100
    closed_tickets(400)
    response = client_for(manager).post(reverse("integrations:retrain"), follow=True)
    assert response.status_code == 200
    assert "Model v1 trained." in response.content.decode()
    model = ClassifierModel.objects.get()
    assert (model.trigger, model.started_by, model.is_active) == (TrainingTrigger.BUTTON, manager, True)


def test_api_lists_models_and_predicts(
    active_model: ClassifierModel, manager: User, agent: User, api_for: Callable[[User], Any]
) -> None:
    listed = api_for(manager).get("/api/v1/integrations/classifier-models/")
    assert listed.status_code == 200
    assert listed.json()["results"][0]["version"] == 1
    assert api_for(agent).get("/api/v1/integrations/classifier-models/").status_code == 403
    answer = api_for(agent).post("/api/v1/integrations/classify/", {"title": "内核崩溃 kernel panic"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["category"]["value"] == "software"
    assert body["component"]["value"] == "os"
    assert 0 < body["priority"]["confidence"] <= 1
    assert len(body["component"]["alternatives"]) == 3
    bad = api_for(agent).post("/api/v1/integrations/classify/", {"title": " ", "colour": "red"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"colour"}
    empty = api_for(agent).post("/api/v1/integrations/classify/", {"title": ""})
    assert empty.status_code == 400
    assert "title" in empty.json()["error"]["fields"]


def test_suggestions_fragment_offers_a_fill_button_per_target(
    active_model: ClassifierModel, agent: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(agent).get(
        reverse("integrations:suggest"), {"title": "Fan speed alarm on Fan4", "description": "风扇转速告警"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    for target in ("category", "component", "priority"):
        assert f'data-testid="fill-{target}"' in html
    assert "&quot;component&quot;: &quot;fan&quot;" in html
    # The priority button sets impact and urgency, which is what the intake form has.
    assert (
        "{&quot;impact&quot;: &quot;1&quot;, &quot;urgency&quot;: &quot;2&quot;, "
        "&quot;priority&quot;: &quot;P2&quot;}" in html
    )
    assert client_for(agent).get(reverse("integrations:suggest")).status_code == 200


def test_the_scheduled_retrain_skips_a_day_without_new_resolutions(
    closed_tickets: Callable[..., int], settings: Any, agent: User, customer_a: Any
) -> None:
    from sasms.integrations.tasks import retrain_classifier
    from sasms.tickets import services as ticket_services

    settings.SASMS_CLASSIFIER_MIN_SAMPLES = 100
    closed_tickets(300)
    assert retrain_classifier.apply().get() == "v1 trained"
    assert retrain_classifier.apply().get() == "unchanged"
    ticket = ticket_services.create_ticket(actor=None, organisation=customer_a, title="Fan noise")
    ticket_services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    ticket_services.transition_ticket(actor=agent, ticket=ticket, action="start")
    ticket_services.transition_ticket(
        actor=agent,
        ticket=ticket,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Fan",
    )
    assert retrain_classifier.apply().get() == "v2 trained"
    assert retrain_classifier.apply(kwargs={"trigger": "button"}).get() == "v3 trained"


def test_while_training_the_figures_card_polls_itself(
    manager: User, agent: User, client_for: Callable[[User], Client]
) -> None:
    ClassifierModel.objects.create(version=1, trigger=TrainingTrigger.BUTTON, status=ModelStatus.TRAINING)
    card = client_for(manager).get(reverse("integrations:classifier"), {"card": "1"})
    html = card.content.decode()
    assert card.status_code == 200
    assert html.lstrip().startswith('<div class="card mb-3" data-testid="active-model"')
    assert 'hx-trigger="every 3s"' in html
    assert "Training…" in html
    page = client_for(manager).get(reverse("integrations:classifier"))
    assert 'data-testid="retrain" disabled' in page.content.decode()
    assert client_for(agent).get(reverse("integrations:classifier"), {"card": "1"}).status_code == 403
