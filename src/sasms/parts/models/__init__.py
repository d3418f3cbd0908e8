"""Spare parts: catalogue and depots, the stock ledger, and the flows that move stock."""

from sasms.parts.models.catalogue import Depot, Part, Substitute
from sasms.parts.models.flows import DefectiveReturn, Forecast, Problem, Reservation, RmaCase, Transfer
from sasms.parts.models.stock import Movement, SerialUnit, StockBalance, StockPolicy

__all__ = [
    "DefectiveReturn",
    "Depot",
    "Forecast",
    "Movement",
    "Part",
    "Problem",
    "Reservation",
    "RmaCase",
    "SerialUnit",
    "StockBalance",
    "StockPolicy",
    "Substitute",
    "Transfer",
]
