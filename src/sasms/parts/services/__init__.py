"""Every write of the parts app: one function per use case, each in one transaction with its audit entry."""

from sasms.parts.services.catalogue import (
    add_substitute,
    create_depot,
    create_part,
    remove_substitute,
    set_policy,
    update_depot,
    update_part,
)
from sasms.parts.services.imports import import_stock
from sasms.parts.services.planning import check_low_stock, compute_forecasts, sweep_low_stock
from sasms.parts.services.problems import resolve_problem
from sasms.parts.services.reservations import NotAvailable, mark_delivered, release_reservation, reserve_part
from sasms.parts.services.returns import advance_rma, open_rma, receive_defective, write_off_return
from sasms.parts.services.stock import adjust_stock, receive_stock, return_good, scrap_stock
from sasms.parts.services.transfers import cancel_transfer, receive_transfer, request_transfer, ship_transfer

__all__ = [
    "NotAvailable",
    "add_substitute",
    "adjust_stock",
    "advance_rma",
    "cancel_transfer",
    "check_low_stock",
    "compute_forecasts",
    "create_depot",
    "create_part",
    "import_stock",
    "mark_delivered",
    "open_rma",
    "receive_defective",
    "receive_stock",
    "receive_transfer",
    "release_reservation",
    "remove_substitute",
    "request_transfer",
    "reserve_part",
    "resolve_problem",
    "return_good",
    "scrap_stock",
    "set_policy",
    "ship_transfer",
    "sweep_low_stock",
    "update_depot",
    "update_part",
    "write_off_return",
]
