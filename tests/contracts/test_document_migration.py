"""Documents stored under their client's file name before migration 0004 move to random names."""

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from sasms.accounts.models import Organisation
from sasms.contracts.models import ContractDocument

move = importlib.import_module("sasms.contracts.migrations.0005_move_documents_to_private_names")

pytestmark = pytest.mark.django_db


def test_old_documents_move_to_random_private_names(
    customer_a: Organisation,
    make_contract: Callable[..., Any],
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    contract = make_contract(customer_a)
    old_name = default_storage.save("contracts/2026/03/合同 final.pdf", ContentFile(b"%PDF-1.4 signed"))
    old = ContractDocument.objects.create(
        contract=contract, file=old_name, original_name="合同 final.pdf", size=15
    )
    missing = ContractDocument.objects.create(
        contract=contract, file="contracts/2026/03/lost.pdf", original_name="lost.pdf", size=1
    )
    current = ContractDocument.objects.create(
        contract=contract, file=move.private_name(), original_name="new.pdf", size=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        move.move_to_private_names(apps, None)

    old.refresh_from_db()
    moved = str(old.file.name)
    assert moved.startswith("private/contracts/")
    assert "合同" not in moved
    with default_storage.open(moved, "rb") as stored:
        assert stored.read() == b"%PDF-1.4 signed"
    assert not default_storage.exists(old_name)  # removed once the move committed
    assert old.original_name == "合同 final.pdf"  # the name the client sees is kept
    missing.refresh_from_db()
    assert missing.file.name == "contracts/2026/03/lost.pdf"  # nothing to move
    assert ContractDocument.objects.get(pk=current.pk).file.name == current.file.name
