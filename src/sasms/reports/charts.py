"""Chart.js configurations of the forecasts page (drawn by static/sasms/charts.js)."""

from typing import Any

from django.utils.translation import gettext as _

from sasms.reports.models import RequestForecast
from sasms.tickets.choices import Category


def forecast_panel(row: RequestForecast) -> dict[str, Any]:
    """One category's history and forecast as a line chart, with its figures for the page."""
    history = [(str(w["week"]), float(w["count"])) for w in row.history]
    forecast = [(str(w["week"]), float(w["count"])) for w in row.forecast]
    labels = [week for week, _count in history + forecast]
    # The forecast line starts at the last actual week, so the two lines join.
    joined: list[float | None] = [None] * len(history)
    if history:
        joined[-1] = history[-1][1]
    config = {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Requests per week"),
                    "data": [count for _week, count in history] + [None] * len(forecast),
                    "borderColor": "#2f6db5",
                    "backgroundColor": "#2f6db5",
                    "tension": 0.2,
                },
                {
                    "label": _("Forecast"),
                    "data": joined + [round(count, 1) for _week, count in forecast],
                    "borderColor": "#d9822b",
                    "backgroundColor": "#d9822b",
                    "borderDash": [6, 4],
                    "tension": 0.2,
                },
            ],
        },
        "options": {
            "plugins": {"legend": {"position": "bottom"}},
            "scales": {"y": {"beginAtZero": True, "title": {"display": True, "text": _("Requests")}}},
        },
    }
    labels_by_value = dict(Category.choices)
    return {
        "row": row,
        "label": str(labels_by_value.get(row.category, row.category)),
        "chart_id": f"forecast-chart-{row.category}",
        "config": config,
        "next_total": round(sum(count for _week, count in forecast), 1),
        "weeks": forecast,
    }
