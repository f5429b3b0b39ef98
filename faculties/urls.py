from django.urls import path

from faculties import plan_views, views

app_name = "faculties"

urlpatterns = [
    *views.faculties.urls(),
    *views.disciplines.urls(),
    *views.faculty_years.urls(),
    *views.site_updates.urls(),
    *views.leading_group.urls(),
    *views.coordinators.urls(),
    # Internationalization plans (plan_views.py)
    *plan_views.plans.urls(),
    path("plans/<int:pk>/submit/", plan_views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/approve/", plan_views.plan_decide, {"decision": "approve"}, name="plan-approve"),
    path("plans/<int:pk>/return/", plan_views.plan_decide, {"decision": "return"}, name="plan-return"),
    path("plans/<int:pk>/targets/new/", plan_views.target_form, name="plan-target-create"),
    path("plans/<int:pk>/targets/<int:target_pk>/edit/", plan_views.target_form, name="plan-target-edit"),
    path("plans/<int:pk>/targets/<int:part_pk>/delete/", plan_views.part_delete, {"kind": "target"},
         name="plan-target-delete"),
    path("plans/<int:pk>/attachments/new/", plan_views.attachment_form, name="plan-attachment-create"),
    path("plans/<int:pk>/attachments/<int:part_pk>/delete/", plan_views.part_delete, {"kind": "attachment"},
         name="plan-attachment-delete"),
    path("plans/attachments/<int:pk>/download/", plan_views.attachment_download, name="plan-attachment-download"),
]
