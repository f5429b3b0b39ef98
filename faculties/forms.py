from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from faculties.models import CoordinatorMembership, Discipline, Faculty, FacultyYear, LeadingGroupMember, SiteUpdate
from intlportal.access import COORDINATOR
from intlportal.forms import ScopedModelForm


class FacultyForm(ScopedModelForm):
    # When the site was updated is recorded in the website update log (SiteUpdateForm).
    class Meta:
        model = Faculty
        fields = ["code", "name_zh", "name_en", "foreign_site_url", "is_active"]


class DisciplineForm(ScopedModelForm):
    class Meta:
        model = Discipline
        fields = ["faculty", "name_zh", "name_en", "is_key", "is_national_first_class"]


class FacultyYearForm(ScopedModelForm):
    class Meta:
        model = FacultyYear
        fields = ["faculty", "year", "teachers", "students"]


class SiteUpdateForm(ScopedModelForm):
    class Meta:
        model = SiteUpdate
        fields = ["faculty", "updated_on", "url", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = _("The address of the updated foreign-language site, as it was online then.")
        self.fields["note"].help_text = _("For example: news of the spring semester, the new English programme pages.")


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
