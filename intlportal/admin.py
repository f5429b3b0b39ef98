from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from intlportal.models import User, WorkflowTransition


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["language"]})]


@admin.register(WorkflowTransition)
class WorkflowTransitionAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "from_state", "to_state", "by", "at"]
    list_filter = ["content_type", "to_state"]
