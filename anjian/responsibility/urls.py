from django.urls import path

from anjian.responsibility import views

app_name = "responsibility"
urlpatterns = [
    path("letters/", views.letter_list_view, name="letters"),
    path("letters/<int:pk>/", views.letter_detail_view, name="letter"),
    path("letters/<int:pk>/acknowledge/", views.letter_ack_view, name="letter_ack"),
    path("letters/<int:pk>/letter.docx", views.letter_docx_view, name="letter_docx"),
    path("templates/", views.template_list_view, name="templates"),
    path("templates/new/", views.template_create_view, name="template_create"),
    path("templates/<int:pk>/", views.template_detail_view, name="template"),
    path("templates/<int:pk>/issue/", views.template_issue_view, name="template_issue"),
    path("assessment/", views.scheme_list_view, name="schemes"),
    path("assessment/new/", views.scheme_create_view, name="scheme_create"),
    path("assessment/<int:pk>/", views.scheme_detail_view, name="scheme"),
    path("assessment/<int:pk>/indicators/", views.scheme_indicators_view, name="scheme_indicators"),
    path("settings/", views.policy_view, name="policy"),
    path("posts/", views.posts_view, name="posts"),
    path("assessment/rounds/<int:pk>/", views.round_detail_view, name="round"),
    path("assessment/rounds/<int:pk>/report.docx", views.round_report_view, name="round_report"),
    path("assessment/rounds/<int:pk>/<str:action>/", views.round_action_view, name="round_action"),
    path("assessment/results/<int:pk>/", views.result_detail_view, name="result"),
    path("accident-supervision/", views.accident_cases_view, name="accident_cases"),
    path("accident-supervision/<int:pk>/open/", views.accident_case_open_view, name="accident_case_open"),
]
