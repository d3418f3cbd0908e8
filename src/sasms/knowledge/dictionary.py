"""The search dictionary's reviewed seed file, ``data/synonyms.txt``, read and written.

Format, one group a line: ``key: term | term | term  # note``; ``#`` starts a comment line.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"


def parse(lines: Iterable[str]) -> Iterator[tuple[str, list[str], str]]:
    """(key, terms, note) of each group line; blank and comment lines skipped."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        key, _, rest = line.partition(":")
        note = ""
        if " # " in rest:
            rest, _, note = rest.partition(" # ")
        terms = [term.strip() for term in rest.split("|") if term.strip()]
        yield key.strip(), terms, note.strip()


def seed_groups() -> list[tuple[str, list[str], str]]:
    with SEED_FILE.open(encoding="utf-8") as handle:
        return list(parse(handle))


def active_groups() -> list[tuple[str, list[str]]]:
    """The groups search uses now (registered with :mod:`sasms.core.search.synonyms`)."""
    from sasms.knowledge.models import SynonymGroup

    return [
        (group.key, group.term_list)
        for group in SynonymGroup.objects.filter(is_active=True).only("key", "terms").order_by("key")
    ]
