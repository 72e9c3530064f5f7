from django.urls import path

from fugong.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.library, name="library"),
    path("mine/", views.mine, name="mine"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.policy_detail, name="policy"),
    path("<int:pk>/attach/", views.policy_attach, name="policy_attach"),
    path("files/<int:pk>/", views.policy_file, name="policy_file"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/enterprises/", views.measure_enterprises, name="enterprises"),
    path("measures/<int:pk>/enterprises.xlsx", views.measure_export, name="export"),
    path("measures/<int:pk>/notify/", views.measure_notify, name="notify"),
    path("measures/<int:pk>/apply/", views.apply, name="apply"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/moves/", views.application_move, name="move"),
    path("applications/<int:pk>/attach/", views.application_attach, name="attach"),
    path("applications/files/<int:pk>/", views.application_file, name="application_file"),
    path("benefits/", views.benefit_list, name="benefits"),
    path("benefits/export.xlsx", views.benefit_export, name="benefits_export"),
    # ---- review in stages, experts, public notices, clocks ----
    path("measures/<int:pk>/programmes/new/", views.programme_create, name="programme_create"),
    path("measures/<int:pk>/public-notice/", views.propose_automatic, name="propose_automatic"),
    path("programmes/<int:pk>/experts/", views.programme_expert_add, name="expert_add"),
    path("programmes/<int:pk>/stages/<slug:stage>/", views.stage_list, name="stage"),
    path("programmes/<int:pk>/stages/<slug:stage>.xlsx", views.stage_export, name="stage_export"),
    path("programmes/<int:pk>/public-notice/", views.publish_shortlist, name="publish_shortlist"),
    path("programmes/<int:pk>/conflicts/", views.conflict_declare, name="conflict"),
    path("applications/<int:pk>/experts/", views.assign_expert, name="assign"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("reviews/", views.reviews, name="reviews"),
    path("public-notices/", views.public_notices, name="public_notices"),
    path("public-notices/<int:pk>/", views.public_notice, name="public_notice"),
    path("public-notices/<int:pk>.xlsx", views.public_notice_export, name="public_notice_export"),
    path("public-notices/<int:pk>/award/", views.notice_award, name="notice_award"),
    path("public-notices/entries/<int:pk>/objections/", views.objection_record, name="objection"),
    path("objections/<int:pk>/", views.objection_handle, name="objection_handle"),
    path("clocks/", views.clocks, name="clocks"),
]
