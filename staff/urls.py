from intlportal.routing import crud_patterns
from staff import views

app_name = "staff"

urlpatterns = [
    *crud_patterns("members", "staffmember", list_view=views.StaffMemberList, detail=views.StaffMemberDetail,
                   create=views.StaffMemberCreate, update=views.StaffMemberUpdate, delete=views.StaffMemberDelete),
    *crud_patterns("contracts", "contract", list_view=views.ContractList, detail=views.ContractDetail,
                   create=views.ContractCreate, update=views.ContractUpdate, delete=views.ContractDelete),
    *crud_patterns("teaching", "assignment", list_view=views.AssignmentList, detail=views.AssignmentDetail,
                   create=views.AssignmentCreate, update=views.AssignmentUpdate, delete=views.AssignmentDelete),
    *crud_patterns("evaluations", "evaluation", list_view=views.EvaluationList, detail=views.EvaluationDetail,
                   create=views.EvaluationCreate, update=views.EvaluationUpdate, delete=views.EvaluationDelete),
    *crud_patterns("language-assessments", "languageassessment", list_view=views.LanguageAssessmentList,
                   detail=views.LanguageAssessmentDetail, create=views.LanguageAssessmentCreate,
                   update=views.LanguageAssessmentUpdate, delete=views.LanguageAssessmentDelete),
    *crud_patterns("publications", "publication", list_view=views.PublicationList,
                   detail=views.PublicationDetail, create=views.PublicationCreate,
                   update=views.PublicationUpdate, delete=views.PublicationDelete),
]
