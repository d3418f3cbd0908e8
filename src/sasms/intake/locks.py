"""Row locks of intake, in one place. Each must run inside the caller's transaction."""

from django.db import IntegrityError, transaction

from sasms.intake.models import IntakeLock


def lock_name(name: str) -> None:
    """Hold the lock called ``name`` until the transaction ends (creating its row on first use).

    Alerts for one server (or one unknown device) and BMC faults of one server take the same lock,
    so concurrent deliveries decide "new request or existing one" one after the other.
    """
    assert transaction.get_connection().in_atomic_block, "call inside the transaction"
    name = name[:200]
    if not IntakeLock.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                IntakeLock.objects.create(name=name)
        except IntegrityError:
            pass  # a concurrent caller created it; the lock below waits for it
    IntakeLock.objects.select_for_update().get(name=name)


def server_lock(server_id: int) -> None:
    lock_name(f"server:{server_id}")
