from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from faculties.models import CoordinatorMembership, Discipline, Faculty, FacultyYear, LeadingGroupMember
from intlportal.access import COORDINATOR
from intlportal.forms import ScopedModelForm


class FacultyForm(ScopedModelForm):
    class Meta:
        model = Faculty
        fields = ["code", "name_zh", "name_en", "foreign_site_url", "foreign_site_updated_on", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("foreign_site_updated_on") and not cleaned.get("foreign_site_url"):
            self.add_error("foreign_site_url", _("Give the site's address when you give the date it was updated."))
        return cleaned


class DisciplineForm(ScopedModelForm):
    class Meta:
        model = Discipline
        fields = ["faculty", "name_zh", "name_en", "is_key", "is_national_first_class"]


class FacultyYearForm(ScopedModelForm):
    class Meta:
        model = FacultyYear
        fields = ["faculty", "year", "teachers", "students"]


class LeadingGroupMemberForm(ScopedModelForm):
    class Meta:
        model = LeadingGroupMember
        fields = ["faculty", "name", "position", "group_role"]


class CoordinatorMembershipForm(ScopedModelForm):
    version = None

    class Meta:
        model = CoordinatorMembership
        fields = ["user", "faculty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(groups__name=COORDINATOR).order_by("username")
        self.fields["user"].help_text = _("Only users with the coordinator role are listed.")
