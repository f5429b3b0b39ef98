from django.contrib import admin

from faculties import models
from intlportal.admin import RecordAdmin


@admin.register(models.Faculty)
class FacultyAdmin(RecordAdmin):
    list_display = ["code", "name_zh", "name_en", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]


for model in (models.Discipline, models.FacultyYear, models.SiteUpdate, models.LeadingGroupMember,
              models.InternationalizationPlan, models.PlanTarget, models.PlanAttachment):
    admin.site.register(model, RecordAdmin)
admin.site.register(models.CoordinatorMembership)
