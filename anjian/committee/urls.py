from django.urls import path

from anjian.committee import views

app_name = "committee"
urlpatterns = [
    path("cases/", views.case_list_view, name="cases"),
    path("cases/new/", views.case_create_view, name="case_create"),
    path("cases/<int:pk>/", views.case_detail_view, name="case"),
    path("cases/<int:pk>/close/", views.case_close_view, name="case_close"),
    path("tasks/", views.task_list_view, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail_view, name="task"),
    path("tasks/<int:pk>/read/", views.task_read_view, name="task_read"),
    path("tasks/<int:pk>/submit/", views.task_submit_view, name="task_submit"),
    path("tasks/<int:pk>/review/<str:target>/", views.task_review_view, name="task_review"),
    path("meetings/", views.meeting_list_view, name="meetings"),
    path("meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail_view, name="meeting"),
    path("meetings/<int:pk>/sign-in/", views.meeting_sign_in_view, name="meeting_sign_in"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes_view, name="meeting_minutes"),
    path("notices/", views.notice_list_view, name="notices"),
    path("notices/new/", views.notice_create_view, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail_view, name="notice"),
    path("notices/<int:pk>/read/<int:receipt_pk>/", views.notice_read_view, name="notice_read"),
    path("notices/<int:pk>/notice.docx", views.notice_docx_view, name="notice_docx"),
    path("interviews/", views.interview_list_view, name="interviews"),
    path("interviews/new/", views.interview_create_view, name="interview_create"),
    path("interviews/<int:pk>/", views.interview_detail_view, name="interview"),
    path("interviews/<int:pk>/record.docx", views.interview_docx_view, name="interview_docx"),
    path("visits/", views.visit_list_view, name="visits"),
    path("visits/new/", views.visit_create_view, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail_view, name="visit"),
    path("members/", views.member_list_view, name="members"),
    path("members/set/", views.member_set_view, name="member_set"),
    path("members/<int:pk>/", views.member_detail_view, name="member"),
    path("members/<int:pk>/leave/", views.member_leave_view, name="member_leave"),
]
