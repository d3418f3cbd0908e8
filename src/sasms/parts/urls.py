from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from sasms.parts.views import catalogue, flows, planning, request, stock

app_name = "parts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("parts/", RedirectView.as_view(pattern_name="parts:stock_list"), name="home"),
    path("parts/stock/", stock.StockListView.as_view(), name="stock_list"),
    path("parts/stock/receive/", stock.receive_view, name="receive"),
    path("parts/stock/return-good/", stock.return_good_view, name="return_good"),
    path("parts/stock/adjust/", stock.adjust_view, name="adjust"),
    path("parts/stock/scrap/", stock.scrap_view, name="scrap"),
    path("parts/stock/import/", stock.import_view, name="import"),
    path("parts/stock/import/template.csv", stock.import_template_view, name="import_template"),
    path("parts/movements/", stock.MovementListView.as_view(), name="movement_list"),
    path("parts/serials/", stock.serial_history_view, name="serial_history"),
    path("parts/catalogue/", catalogue.PartListView.as_view(), name="part_list"),
    path("parts/catalogue/new/", catalogue.part_form_view, name="part_create"),
    path("parts/catalogue/<int:pk>/", catalogue.part_detail_view, name="part_detail"),
    path("parts/catalogue/<int:pk>/edit/", catalogue.part_form_view, name="part_edit"),
    path("parts/catalogue/<int:pk>/substitutes/", catalogue.substitute_add_view, name="substitute_add"),
    path(
        "parts/catalogue/<int:pk>/substitutes/<int:other>/remove/",
        catalogue.substitute_remove_view,
        name="substitute_remove",
    ),
    path("parts/depots/", catalogue.DepotListView.as_view(), name="depot_list"),
    path("parts/depots/new/", catalogue.depot_form_view, name="depot_create"),
    path("parts/depots/<int:pk>/", catalogue.depot_detail_view, name="depot_detail"),
    path("parts/depots/<int:pk>/edit/", catalogue.depot_form_view, name="depot_edit"),
    path("parts/reservations/", flows.ReservationListView.as_view(), name="reservation_list"),
    path(
        "parts/reservations/<int:pk>/<str:action>/",
        request.reservation_action_view,
        name="reservation_action",
    ),
    path("parts/transfers/", flows.TransferListView.as_view(), name="transfer_list"),
    path("parts/transfers/new/", flows.transfer_form_view, name="transfer_create"),
    path("parts/transfers/<int:pk>/<str:action>/", flows.transfer_action_view, name="transfer_action"),
    path("parts/returns/", flows.ReturnListView.as_view(), name="return_list"),
    path("parts/returns/<int:pk>/receive/", flows.return_receive_view, name="return_receive"),
    path("parts/returns/<int:pk>/write-off/", flows.return_write_off_view, name="return_write_off"),
    path("parts/rma/", flows.RmaListView.as_view(), name="rma_list"),
    path("parts/rma/new/", flows.rma_create_view, name="rma_create"),
    path("parts/rma/board/", flows.rma_board_view, name="rma_board"),
    path("parts/rma/<int:pk>/", flows.rma_detail_view, name="rma_detail"),
    path("parts/problems/", flows.ProblemListView.as_view(), name="problem_list"),
    path("parts/problems/<int:pk>/resolve/", flows.problem_resolve_view, name="problem_resolve"),
    path("parts/planning/", planning.PolicyListView.as_view(), name="policy_list"),
    path("parts/planning/set/", planning.policy_set_view, name="policy_set"),
    path("parts/forecasts/", planning.ForecastListView.as_view(), name="forecast_list"),
    path("parts/forecasts/run/", planning.forecast_run_view, name="forecast_run"),
    path("parts/reports/turnover/", planning.StockReportView.as_view(), name="stock_report"),
    path("parts/reports/rma-ageing/", planning.RmaAgeingView.as_view(), name="rma_ageing"),
    path(
        "parts/reports/vendor-turnaround/", planning.VendorTurnaroundView.as_view(), name="vendor_turnaround"
    ),
    path("parts/requests/<str:number>/reserve/", request.reserve_view, name="request_reserve"),
    path("parts/requests/<str:number>/transfer/", request.transfer_request_view, name="request_transfer"),
]
