"""Ranking without snippets, and highlighting only the hits a page shows (``with_snippets``)."""

import pytest

from sasms.accounts.models import User
from sasms.core.search.models import SearchDocument
from sasms.core.search.services import index_document, search, with_snippets

pytestmark = pytest.mark.usefixtures("corpus")


@pytest.mark.parametrize("query", ["硬盘故障", "raid controller", "871246-B21", "fail"])
def test_without_snippets_the_ranking_is_the_same_and_texts_are_plain(staff: User, query: str) -> None:
    full = search(actor=staff, query=query, prefix=True)
    bare = search(actor=staff, query=query, prefix=True, snippets=False)
    assert [(h.object_type, h.object_id, h.score) for h in bare] == [
        (h.object_type, h.object_id, h.score) for h in full
    ]
    for hit in bare:
        assert hit.snippet == ""
        assert "<mark>" not in hit.title_html
        assert hit.document_id
    # Highlighting afterwards gives exactly what search() would have given.
    assert with_snippets(bare, query=query) == full


def test_plain_titles_are_escaped(staff: User) -> None:
    index_document(object_type="kb", object_id=99, title="<b>Fan</b> & PSU", body="fan")
    [hit] = [h for h in search(actor=staff, query="psu fan", snippets=False) if h.object_id == "99"]
    assert hit.title_html == "&lt;b&gt;Fan&lt;/b&gt; &amp; PSU"


def test_highlighting_reads_the_shown_hits_in_one_query(
    staff: User, django_assert_num_queries: object
) -> None:
    bare = search(actor=staff, query="controller", snippets=False)
    assert len(bare) == 2
    with django_assert_num_queries(1):  # type: ignore[operator]
        highlighted = with_snippets(bare, query="controller")
    assert all("<mark>" in h.snippet for h in highlighted)
    assert with_snippets([], query="controller") == []


def test_a_document_removed_in_between_keeps_its_plain_hit(staff: User) -> None:
    bare = search(actor=staff, query="硬盘", snippets=False)
    SearchDocument.objects.filter(pk=bare[0].document_id).delete()
    assert with_snippets(bare, query="硬盘") == bare
