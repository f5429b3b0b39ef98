from django.contrib import admin

from intlportal.admin import RecordAdmin
from programs import services
from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining


@admin.register(CooperativeProgram)
class CooperativeProgramAdmin(RecordAdmin):
    list_display = ["code", "name_zh", "faculty", "level", "status"]
    list_filter = ["status", "level", "faculty"]
    search_fields = ["code", "name_zh", "name_en", "approval_no"]
    filter_horizontal = ["partners"]

    def save_model(self, request, obj, form, change):
        # A status set here is a dated step of the status history, as a lifecycle action's is.
        super().save_model(request, obj, form, change)
        services.status_history_sync(programs=CooperativeProgram.objects.filter(pk=obj.pk), by=request.user)


for model in (ProgramEnrollment, ProgramCourse, ProgramTeacherTraining):
    admin.site.register(model, RecordAdmin, raw_id_fields=["program"])
