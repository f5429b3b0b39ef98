from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from intlportal import verification
from intlportal.models import User, WorkflowTransition


class RecordAdmin(SimpleHistoryAdmin):
    """The admin of a record kind.  Its users are the office's superusers, so what they save in
    a verifiable kind is verified on entry, as the office's forms and imports are
    (``intlportal.verification``): the rule holds on this path too."""

    def save_model(self, request, obj, form, change):
        if verification.verifiable(obj):
            if change:
                live = type(obj).objects.get(pk=obj.pk)
                verification.office_wrote(obj, live, by=request.user)
            else:
                verification.mark_entry(obj, by=request.user)
        super().save_model(request, obj, form, change)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["language"]})]


@admin.register(WorkflowTransition)
class WorkflowTransitionAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "from_state", "to_state", "by", "at"]
    list_filter = ["content_type", "to_state"]
