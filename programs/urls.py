from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    *views.programs.urls(),
    path("list/<int:pk>/lifecycle/<slug:action>/", views.program_transition, name="program-transition"),
    *views.enrollments.urls(),
    *views.courses.urls(),
    *views.trainings.urls(),
]
