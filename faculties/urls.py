from faculties import views
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
]
