from staff import views

app_name = "staff"

urlpatterns = [
    *views.staff_members.urls(),
    *views.contracts.urls(),
    *views.assignments.urls(),
    *views.evaluations.urls(),
    *views.language_assessments.urls(),
    *views.publications.urls(),
]
