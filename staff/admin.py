from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ["staff_no", "name", "faculty", "category", "title"]
    list_filter = ["category", "faculty"]
    search_fields = ["staff_no", "name"]


@admin.register(ForeignTeacherContract)
class ForeignTeacherContractAdmin(SimpleHistoryAdmin):
    list_display = ["staff_member", "category", "starts_on", "ends_on", "status"]
    list_filter = ["status", "category"]
    raw_id_fields = ["staff_member"]


for model in (TeachingAssignment, TeachingEvaluation, LanguageAssessment, Publication):
    admin.site.register(model, SimpleHistoryAdmin, raw_id_fields=["staff_member"])
