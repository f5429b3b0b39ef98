from django.contrib import admin

from intlportal.admin import RecordAdmin
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)


@admin.register(StaffMember)
class StaffMemberAdmin(RecordAdmin):
    list_display = ["staff_no", "name", "faculty", "category", "title"]
    list_filter = ["category", "faculty"]
    search_fields = ["staff_no", "name"]


@admin.register(ForeignTeacherContract)
class ForeignTeacherContractAdmin(RecordAdmin):
    list_display = ["staff_member", "category", "starts_on", "ends_on", "status"]
    list_filter = ["status", "category"]
    raw_id_fields = ["staff_member"]


for model in (TeachingAssignment, TeachingEvaluation, LanguageAssessment, Publication):
    admin.site.register(model, RecordAdmin, raw_id_fields=["staff_member"])
