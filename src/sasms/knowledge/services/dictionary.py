"""The search dictionary: synonym groups edited by knowledge managers, and the re-index after a change.

A saved group is used by queries at once (the thesaurus revision is published on commit); documents
gain the new canonical terms when re-indexed, which a change offers to start and
:func:`start_reindex` runs as a job with progress.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.audit import record_audit
from sasms.core.errors import PermissionDenied
from sasms.core.search import synonyms
from sasms.core.search.services import retokenize_documents
from sasms.core.writes import save_or_conflict
from sasms.knowledge.models import ReindexJob, ReindexStatus, SynonymGroup
from sasms.knowledge.selectors import is_manager
from sasms.knowledge.services.common import invalid

MAX_TERMS = 60
NOTE_CHARS = SynonymGroup._meta.get_field("note").max_length or 200


def _require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise PermissionDenied(_("You do not have permission to do this."))


def clean_terms(value: str | list[str]) -> list[str]:
    """The group's terms: one a line (or a list), trimmed, unique, each two characters or more."""
    raw = value.splitlines() if isinstance(value, str) else [str(v) for v in value]
    terms: dict[str, str] = {}
    for term in raw:
        term = " ".join(term.split())
        if not term:
            continue
        problem = synonyms.term_problem(term)
        if problem == "too short":
            raise invalid("terms", _("A term needs at least two characters: %(term)s") % {"term": term})
        if problem:
            raise invalid(
                "terms",
                _("A term has at most %(count)d characters: %(term)s")
                % {"count": synonyms.MAX_TERM_CHARS, "term": term[:80]},
            )
        terms.setdefault(synonyms.term_key(term), term)
    if not terms:
        raise invalid("terms", _("Give at least one term."))
    if len(terms) > MAX_TERMS:
        raise invalid("terms", _("At most %(count)d terms in a group.") % {"count": MAX_TERMS})
    return list(terms.values())


def _check_unique_terms(group: SynonymGroup, terms: list[str]) -> None:
    """A term in two active groups would fold both together: refuse, naming the other group."""
    keys = {synonyms.term_key(t): t for t in terms}
    others = SynonymGroup.objects.filter(is_active=True).exclude(pk=group.pk).only("key", "terms")
    for other in others:
        for term in other.term_list:
            found = keys.get(synonyms.term_key(term))
            if found is not None:
                raise invalid(
                    "terms",
                    _("“%(term)s” is already in the group “%(group)s”.")
                    % {"term": found, "group": other.key},
                )


def _save(group: SynonymGroup, terms: list[str], *, actor: User) -> None:
    key = group.key.strip().lower()
    if not synonyms.KEY_PATTERN.match(key):
        raise invalid(
            "key", _("Use lower-case letters and digits, starting with a letter, at most 40 characters.")
        )
    if len(group.note) > NOTE_CHARS:
        raise invalid("note", _("At most %(count)d characters.") % {"count": NOTE_CHARS})
    if group.is_active:
        _check_unique_terms(group, terms)
    group.key = key
    group.terms = "\n".join(terms)
    group.updated_at = timezone.now()
    group.updated_by = actor
    save_or_conflict(group, _("A group with this key already exists."), "key")
    transaction.on_commit(synonyms.changed)


@transaction.atomic
def create_synonym_group(
    *, actor: User, key: str, terms: str | list[str], note: str = "", is_active: bool = True
) -> SynonymGroup:
    _require_manager(actor)
    cleaned = clean_terms(terms)
    group = SynonymGroup(key=key, note=note.strip(), is_active=is_active)
    _save(group, cleaned, actor=actor)
    record_audit(
        actor=actor,
        action="knowledge.synonyms.create",
        target=group,
        changes={"key": [None, group.key], "terms": [None, cleaned]},
    )
    return group


@transaction.atomic
def update_synonym_group(*, actor: User, group: SynonymGroup, **changes: Any) -> SynonymGroup:
    _require_manager(actor)
    group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
    before = {"key": group.key, "terms": group.term_list, "note": group.note, "is_active": group.is_active}
    cleaned = clean_terms(changes["terms"]) if "terms" in changes else group.term_list
    for name in ("key", "note", "is_active"):
        if name in changes:
            value = changes[name]
            setattr(group, name, value.strip() if isinstance(value, str) else value)
    after = {
        "key": group.key.strip().lower(),
        "terms": cleaned,
        "note": group.note,
        "is_active": group.is_active,
    }
    diff = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not diff:
        return group
    _save(group, cleaned, actor=actor)
    record_audit(actor=actor, action="knowledge.synonyms.update", target=group, changes=diff)
    return group


# --- Re-indexing ------------------------------------------------------------------------------------


def running_reindex() -> ReindexJob | None:
    return ReindexJob.objects.filter(status__in=(ReindexStatus.QUEUED, ReindexStatus.RUNNING)).first()


@transaction.atomic
def start_reindex(*, actor: User) -> ReindexJob:
    """Queue a re-index of every search document; the one already queued or running if any."""
    _require_manager(actor)
    job = running_reindex()
    if job is not None:
        return job
    job = ReindexJob.objects.create(created_by=actor)
    record_audit(actor=actor, action="knowledge.synonyms.reindex", target=job, changes={})
    from sasms.knowledge.tasks import reindex_search

    transaction.on_commit(lambda: reindex_search.delay(job.pk))
    return job


def run_reindex(*, job_id: int, batch_size: int = 500) -> ReindexJob:
    """Do the job: every document's terms recomputed, progress saved after each batch."""
    job = ReindexJob.objects.get(pk=job_id)
    if job.status not in (ReindexStatus.QUEUED, ReindexStatus.RUNNING):
        return job
    ReindexJob.objects.filter(pk=job.pk).update(status=ReindexStatus.RUNNING)
    try:
        for done, total in retokenize_documents(batch_size=batch_size):
            ReindexJob.objects.filter(pk=job.pk).update(done=done, total=total)
    except Exception:
        ReindexJob.objects.filter(pk=job.pk).update(status=ReindexStatus.FAILED, finished_at=timezone.now())
        raise
    ReindexJob.objects.filter(pk=job.pk).update(status=ReindexStatus.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
