"""Row locks of the field app, in one place. Call inside the caller's transaction.

Lock order: a visit first, then its request (photos lock the request when they become files of
it, check-in counts the visit on it), so two steps never wait on each other crosswise.
"""

from sasms.field.models import Visit


def lock_visit(visit_id: int) -> Visit:
    """The visit, re-read under a row lock so that two steps on it serialise."""
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("ticket", "ticket__organisation", "engineer")
        .get(pk=visit_id)
    )
