from django.urls import path

from sasms.contracts import views

app_name = "contracts"

urlpatterns = [
    path("service-products/", views.ProductListView.as_view(), name="product_list"),
    path("service-products/new/", views.product_form_view, name="product_create"),
    path("service-products/<int:pk>/", views.product_detail_view, name="product_detail"),
    path("service-products/<int:pk>/edit/", views.product_form_view, name="product_edit"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.contract_form_view, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail_view, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_form_view, name="contract_edit"),
    path("contracts/<int:pk>/status/", views.contract_transition_view, name="contract_transition"),
    path("contracts/<int:pk>/servers/", views.contract_cover_view, name="contract_cover"),
    path(
        "contracts/<int:pk>/servers/<int:server_pk>/remove/",
        views.contract_uncover_view,
        name="contract_uncover",
    ),
    path("contracts/<int:pk>/documents/", views.document_upload_view, name="document_upload"),
    path(
        "contracts/<int:pk>/documents/<int:document_pk>/",
        views.document_download_view,
        name="document_download",
    ),
    path(
        "contracts/<int:pk>/documents/<int:document_pk>/remove/",
        views.document_delete_view,
        name="document_delete",
    ),
]
