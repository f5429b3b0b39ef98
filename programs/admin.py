from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining


@admin.register(CooperativeProgram)
class CooperativeProgramAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "faculty", "level", "status"]
    list_filter = ["status", "level", "faculty"]
    search_fields = ["code", "name_zh", "name_en", "approval_no"]
    filter_horizontal = ["partners"]


for model in (ProgramEnrollment, ProgramCourse, ProgramTeacherTraining):
    admin.site.register(model, SimpleHistoryAdmin, raw_id_fields=["program"])
