from django.urls import path

from fugong.catalogue import views, voucher_views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue, name="list"),
    path("print/", views.catalogue_print, name="print"),
    path("mine/", views.own_products, name="mine"),
    path("review/", views.review_queue, name="review"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/", views.product_detail, name="product"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/moves/", views.product_move, name="product_move"),
    path("products/<int:pk>/files/", views.file_upload, name="file_upload"),
    path("products/<int:pk>/claim/", views.claim_create, name="claim_create"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("calls/", views.calls, name="calls"),
    path("calls/new/", views.call_create, name="call_create"),
    path("providers/", views.providers, name="providers"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/moves/", views.claim_move, name="claim_move"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
    # Cloud-service vouchers (云服务券)
    path("vouchers/", voucher_views.voucher_list, name="vouchers"),
    path("vouchers/export.xlsx", voucher_views.vouchers_export, name="vouchers_export"),
    path("vouchers/review/", voucher_views.review_queue, name="voucher_review"),
    path("vouchers/programmes/", voucher_views.programmes, name="voucher_programmes"),
    path("vouchers/programmes/new/", voucher_views.programme_create, name="voucher_programme_create"),
    path("vouchers/programmes/<int:pk>/", voucher_views.programme_detail, name="voucher_programme"),
    path("vouchers/<int:pk>/", voucher_views.voucher_detail, name="voucher"),
    path("vouchers/<int:pk>/moves/", voucher_views.voucher_move, name="voucher_move"),
    path("vouchers/<int:pk>/files/", voucher_views.evidence_upload, name="voucher_file_upload"),
    path("vouchers/files/<int:pk>/", voucher_views.evidence_download, name="voucher_file"),
]
