"""The search dictionary: seeded by migration, edited by knowledge managers, re-indexed by a job."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sasms.accounts.models import User
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.knowledge.dictionary import seed_groups
from sasms.knowledge.models import Article, ReindexJob, SynonymGroup
from sasms.knowledge.search import search_articles
from sasms.knowledge.services.dictionary import create_synonym_group, start_reindex, update_synonym_group
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db


def test_the_reviewed_file_is_seeded_by_migration() -> None:
    seeded = {g.key: g.term_list for g in SynonymGroup.objects.all()}
    assert len(seeded) == len(seed_groups()) >= 80
    assert sum(len(terms) for terms in seeded.values()) >= 300
    assert {"开不了机", "无法开机", "不开机", "不能开机"} <= set(seeded["nopower"])
    assert {"iLO", "iDRAC", "XCC", "iBMC", "BMC", "带外"} <= set(seeded["bmc"])


def test_no_term_is_in_two_groups() -> None:
    from sasms.core.search.synonyms import term_key

    owner: dict[str, str] = {}
    for key, terms, _note in seed_groups():
        for term in terms:
            assert owner.setdefault(term_key(term), key) == key, term


def test_a_manager_adds_a_group_and_queries_use_it_at_once_documents_after_reindex(
    manager: User,
    editor: User,
    make_article: Callable[..., Article],
    publish: Publish,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    article = publish(make_article(title="Gizmo bracket replacement", body="Replace the gizmo."))
    assert search_articles(actor=editor, query="小部件", learned=False) == []
    with pytest.raises(PermissionDenied):
        create_synonym_group(actor=editor, key="gizmo", terms="gizmo\n小部件")
    with django_capture_on_commit_callbacks(execute=True):
        create_synonym_group(actor=manager, key="gizmo", terms="gizmo\n小部件\n", note="brackets")
    from sasms.core.search import synonyms
    from sasms.core.search.tokenizer import query_terms

    assert query_terms("小部件", thesaurus=synonyms.current()) == ["syngizmo"]
    assert AuditEntry.objects.filter(action="knowledge.synonyms.create").exists()
    # The article was indexed before the group existed: the query's token is not in it yet.
    assert search_articles(actor=editor, query="小部件", learned=False, broaden=False) == []
    with django_capture_on_commit_callbacks(execute=True):
        job = start_reindex(actor=manager)
    job.refresh_from_db()  # run on commit (no broker: in-process)
    assert job.status == "done"
    assert job.done == job.total > 0
    assert [h.article.pk for h in search_articles(actor=editor, query="小部件", learned=False)] == [
        article.pk
    ]


@pytest.mark.django_db(transaction=True)
def test_the_reindex_job_runs_after_commit_with_progress(
    manager: User, make_article: Callable[..., Article]
) -> None:
    make_article(title="风扇", body="风扇")
    job = start_reindex(actor=manager)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.total == job.done >= 1
    assert job.percent == 100
    assert job.finished_at is not None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"key": "Bad Key", "terms": "aa\nbb"}, "key"),
        ({"key": "ok", "terms": "风"}, "terms"),
        ({"key": "ok", "terms": "   \n  "}, "terms"),
        ({"key": "ok", "terms": "PSU\nwidget"}, "terms"),  # PSU is in the psu group already
        ({"key": "psu", "terms": "widget"}, "key"),  # the key is taken
    ],
)
def test_bad_groups_are_refused_naming_the_field(manager: User, values: dict[str, Any], field: str) -> None:
    before = SynonymGroup.objects.count()
    with pytest.raises(ServiceError) as refused:
        create_synonym_group(actor=manager, **values)
    assert field in refused.value.fields
    assert SynonymGroup.objects.count() == before


def test_an_update_is_audited_and_a_deactivated_group_no_longer_folds(manager: User, editor: User) -> None:
    group = SynonymGroup.objects.get(key="nopower")
    update_synonym_group(actor=manager, group=group, is_active=False)
    assert AuditEntry.objects.filter(action="knowledge.synonyms.update").exists()
    from sasms.core.search import synonyms
    from sasms.core.search.tokenizer import query_terms

    synonyms.forget()  # the revision is published on commit; this test never commits
    assert "synnopower" not in query_terms("开不了机", thesaurus=synonyms.current())


def test_the_dictionary_page_lists_filters_exports_and_edits(
    manager: User,
    editor: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_for(manager)
    page = client.get("/kb/dictionary/", {"q": "开不了机"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "nopower" in body
    assert "iDRAC" not in body
    assert client_for(editor).get("/kb/dictionary/").status_code == 403
    export = client.get("/kb/dictionary/", {"export": "csv", "q": "bmc"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Key"
    assert any(row[0] == "bmc" for row in rows[1:])
    created = client.post(
        "/kb/dictionary/new/", {"key": "gizmo", "terms": "gizmo\n小部件", "is_active": "on"}
    )
    assert created.status_code == 302
    group = SynonymGroup.objects.get(key="gizmo")
    refused = client.post(
        f"/kb/dictionary/{group.pk}/edit/", {"key": "gizmo", "terms": "PSU", "is_active": "on"}
    )
    assert refused.status_code == 400
    assert "already in the group" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/kb/dictionary/reindex/").status_code == 302
    assert ReindexJob.objects.get().status == "done"
    assert "Last re-index" in client.get("/kb/dictionary/reindex/progress/").content.decode()
