from django.urls import path

from intlportal.routing import crud_patterns
from programs import views

app_name = "programs"

urlpatterns = [
    *crud_patterns("list", "program", list_view=views.ProgramList, detail=views.ProgramDetail,
                   create=views.ProgramCreate, update=views.ProgramUpdate, delete=views.ProgramDelete),
    path("list/<int:pk>/lifecycle/<slug:action>/", views.program_transition, name="program-transition"),
    *crud_patterns("enrolments", "enrollment", list_view=views.EnrollmentList, detail=views.EnrollmentDetail,
                   create=views.EnrollmentCreate, update=views.EnrollmentUpdate, delete=views.EnrollmentDelete),
    *crud_patterns("courses", "course", list_view=views.CourseList, detail=views.CourseDetail,
                   create=views.CourseCreate, update=views.CourseUpdate, delete=views.CourseDelete),
    *crud_patterns("trainings", "training", list_view=views.TrainingList, detail=views.TrainingDetail,
                   create=views.TrainingCreate, update=views.TrainingUpdate, delete=views.TrainingDelete),
]
