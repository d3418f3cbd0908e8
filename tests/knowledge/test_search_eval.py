"""The labelled query set behind ``sasms search_eval`` and the command itself."""

import io

import pytest
from django.core.management import call_command

from sasms.knowledge.demo_texts import TOPICS
from sasms.knowledge.evaluation import labelled_queries


def test_the_labelled_set_is_large_enough_and_names_real_topics() -> None:
    queries = labelled_queries()
    topics = {topic[0] for topic in TOPICS}
    assert len(queries) >= 60
    assert all(relevant and relevant <= topics for _query, relevant in queries)
    assert len({query for query, _relevant in queries}) == len(queries)


@pytest.mark.django_db
def test_the_command_prints_each_step_and_keeps_nothing() -> None:
    from sasms.knowledge.models import Article

    out = io.StringIO()
    call_command("search_eval", stdout=out)
    text = out.getvalue()
    assert "before (literal words)" in text
    assert "+ learned re-ranking (after)" in text
    assert "median" in text
    assert not Article.objects.exists()
    before = float(text.split("before (literal words)")[1].split()[0])
    after = float(text.split("+ learned re-ranking (after)")[1].split()[0])
    assert after > before
