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
    path("sessions/<int:pk>/sign-screen/", views.sign_screen_view, name="sign_screen"),
    path("courses/", views.courses_view, name="courses"),
    path("courses/new/", views.course_new_view, name="course_new"),
    path("courses/<int:pk>/", views.course_view, name="course"),
    path("trainers/", views.trainers_view, name="trainers"),
    path("trainers/new/", views.trainer_new_view, name="trainer_new"),
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
    path("activities/<int:pk>/", views.activity_view, name="activity"),
    path("activities/<int:pk>/files/", views.activity_files_view, name="activity_files"),
    path("public/activities/", views.public_activities_view, name="public_activities"),
]
