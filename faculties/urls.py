from django.urls import path

from faculties import plan_views, views
from intlportal.routing import crud_patterns

app_name = "faculties"

urlpatterns = [
    *crud_patterns("list", "faculty", list_view=views.FacultyList, detail=views.FacultyDetail,
                   create=views.FacultyCreate, update=views.FacultyUpdate, delete=views.FacultyDelete),
    *crud_patterns("disciplines", "discipline", list_view=views.DisciplineList,
                   detail=views.DisciplineDetail, create=views.DisciplineCreate,
                   update=views.DisciplineUpdate, delete=views.DisciplineDelete),
    *crud_patterns("years", "facultyyear", list_view=views.FacultyYearList,
                   detail=views.FacultyYearDetail, create=views.FacultyYearCreate,
                   update=views.FacultyYearUpdate, delete=views.FacultyYearDelete),
    *crud_patterns("leading-group", "leadinggroupmember", list_view=views.LeadingGroupMemberList,
                   detail=views.LeadingGroupMemberDetail, create=views.LeadingGroupMemberCreate,
                   update=views.LeadingGroupMemberUpdate, delete=views.LeadingGroupMemberDelete),
    *crud_patterns("coordinators", "coordinatormembership", list_view=views.CoordinatorMembershipList,
                   detail=views.CoordinatorMembershipDetail, create=views.CoordinatorMembershipCreate,
                   delete=views.CoordinatorMembershipDelete),
    # Internationalization plans (plan_views.py)
    *crud_patterns("plans", "plan", list_view=plan_views.PlanList, detail=plan_views.PlanDetail,
                   create=plan_views.PlanCreate, update=plan_views.PlanUpdate, delete=plan_views.PlanDelete),
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
