from django.urls import path

from anjian.training import views

app_name = "training"
urlpatterns = [
    path("", views.sessions_view, name="sessions"),
    path("sessions/new/", views.session_new_view, name="session_new"),
    path("sessions/<int:pk>/", views.session_view, name="session"),
    path("sessions/<int:pk>/enrol/", views.enrol_view, name="enrol"),
    path("sessions/<int:pk>/attend/", views.attend_view, name="attend"),
    path("sessions/<int:pk>/close/", views.close_view, name="close"),
    path("sign/", views.sign_view, name="sign"),
    path("sign/<str:code>/", views.sign_view, name="sign_code"),
    path("trainees/", views.trainees_view, name="trainees"),
    path("trainees/new/", views.trainee_new_view, name="trainee_new"),
    path("records.xlsx", views.export_view, name="export"),
    path("certificates/", views.certificates_view, name="certificates"),
    path("certificates/new/", views.certificate_new_view, name="certificate_new"),
    path("certificates/<int:pk>/", views.certificate_view, name="certificate"),
    path("certificates/<int:pk>/renew/", views.renew_view, name="renew"),
    path("certificates/<int:pk>/review/", views.review_view, name="review"),
    path("plans/", views.plans_view, name="plans"),
    path("plans/new/", views.plan_new_view, name="plan_new"),
    path("activities/", views.activities_view, name="activities"),
    path("activities/new/", views.activity_new_view, name="activity_new"),
    path("public/activities/", views.public_activities_view, name="public_activities"),
]
