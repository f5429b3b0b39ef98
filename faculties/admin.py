from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from faculties import models


@admin.register(models.Faculty)
class FacultyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "name_en", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]


for model in (models.Discipline, models.FacultyYear, models.LeadingGroupMember,
              models.InternationalizationPlan, models.PlanTarget, models.PlanAttachment):
    admin.site.register(model, SimpleHistoryAdmin)
admin.site.register(models.CoordinatorMembership)
