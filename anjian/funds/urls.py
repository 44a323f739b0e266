from django.urls import path

from anjian.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.lines_view, name="lines"),
    path("lines/new/", views.line_new_view, name="line_new"),
    path("lines/<int:pk>/", views.line_view, name="line"),
    path("lines/<int:pk>/allocate/", views.allocate_view, name="allocate"),
    path("lines/<int:pk>/spend/", views.spend_view, name="spend"),
    path("lines/<int:pk>/reverse/", views.reverse_view, name="reverse"),
    path("lines/<int:pk>/voucher/", views.voucher_view, name="voucher"),
    path("ledger.xlsx", views.ledger_export_view, name="ledger_export"),
    path("costs/", views.costs_view, name="costs"),
    path("costs/new/", views.cost_new_view, name="cost_new"),
    path("costs/<int:pk>/", views.cost_view, name="cost"),
    path("costs/<int:pk>/use/", views.cost_use_view, name="cost_use"),
    path("custody/", views.contracts_view, name="contracts"),
    path("custody/new/", views.contract_new_view, name="contract_new"),
    path("custody/providers/new/", views.provider_new_view, name="provider_new"),
    path("custody/<int:pk>/", views.contract_view, name="contract"),
    path("custody/<int:pk>/visit/", views.visit_view, name="visit"),
    path("custody/<int:pk>/evidence/", views.evidence_view, name="evidence"),
    path("custody/<int:pk>/terminate/", views.terminate_view, name="terminate"),
    path("tech/", views.tech_view, name="tech"),
    path("tech/new/", views.tech_new_view, name="tech_new"),
    path("campaigns/", views.campaigns_view, name="campaigns"),
    path("campaigns/new/", views.campaign_new_view, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_view, name="campaign"),
]
