"""Read-only serializers, one per record kind.

Every serializer exposes the model's fields except uploaded files (documents are served only
through the portal's access-checked views).  ``RecordSerializer`` removes the model's
``PERSONAL_FIELDS`` from the output for anyone ``access.can_see_personal_data`` refuses; the
schema marks those fields as optional (see ``api.schema``), so both shapes validate.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from exchanges.models import (
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from faculties.models import (
    Discipline,
    Faculty,
    FacultyYear,
    InternationalizationPlan,
    LeadingGroupMember,
    PlanTarget,
)
from intlportal import access
from programs.models import (
    CooperativeProgram,
    ProgramCourse,
    ProgramEnrollment,
    ProgramTeacherTraining,
)
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)


def personal_fields(model) -> tuple[str, ...]:
    """The model's office-only fields, read each time so a field added later is covered."""
    return tuple(getattr(model, "PERSONAL_FIELDS", ()))


class RecordSerializer(serializers.ModelSerializer):
    """A record kind's fields, all read-only, without personal data for those not entitled."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # No request, no entitlement: personal data leaves only for a known office user.
        if request is None or not access.can_see_personal_data(request.user):
            for name in personal_fields(type(instance)):
                data.pop(name, None)
        return data


class FacultySerializer(RecordSerializer):
    class Meta:
        model = Faculty
        fields = "__all__"


class DisciplineSerializer(RecordSerializer):
    class Meta:
        model = Discipline
        fields = "__all__"


class FacultyYearSerializer(RecordSerializer):
    class Meta:
        model = FacultyYear
        fields = "__all__"


class LeadingGroupMemberSerializer(RecordSerializer):
    class Meta:
        model = LeadingGroupMember
        fields = "__all__"


class PlanTargetSerializer(RecordSerializer):
    class Meta:
        model = PlanTarget
        fields = ["id", "indicator", "year", "value"]


class PlanSerializer(RecordSerializer):
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    targets = PlanTargetSerializer(many=True, read_only=True)

    class Meta:
        model = InternationalizationPlan
        fields = "__all__"


class PartnerSerializer(RecordSerializer):
    class Meta:
        model = PartnerInstitution
        fields = "__all__"


class AgreementSerializer(RecordSerializer):
    is_expired = serializers.BooleanField(read_only=True, help_text=_("The end date has passed."))

    class Meta:
        model = Agreement
        exclude = ["document"]


class FundingSchemeSerializer(RecordSerializer):
    class Meta:
        model = FundingScheme
        fields = "__all__"


class MobilitySerializer(RecordSerializer):
    class Meta:
        model = Mobility
        exclude = ["report_file"]


class EventSerializer(RecordSerializer):
    class Meta:
        model = Event
        fields = "__all__"


class StudentLanguageTestSerializer(RecordSerializer):
    class Meta:
        model = StudentLanguageTest
        fields = "__all__"


class StaffMemberSerializer(RecordSerializer):
    class Meta:
        model = StaffMember
        fields = "__all__"


class ContractSerializer(RecordSerializer):
    class Meta:
        model = ForeignTeacherContract
        fields = "__all__"


class TeachingAssignmentSerializer(RecordSerializer):
    class Meta:
        model = TeachingAssignment
        fields = "__all__"


class TeachingEvaluationSerializer(RecordSerializer):
    class Meta:
        model = TeachingEvaluation
        fields = "__all__"


class LanguageAssessmentSerializer(RecordSerializer):
    class Meta:
        model = LanguageAssessment
        fields = "__all__"


class PublicationSerializer(RecordSerializer):
    class Meta:
        model = Publication
        fields = "__all__"


class ProgramSerializer(RecordSerializer):
    class Meta:
        model = CooperativeProgram
        fields = "__all__"


class ProgramEnrollmentSerializer(RecordSerializer):
    class Meta:
        model = ProgramEnrollment
        fields = "__all__"


class ProgramCourseSerializer(RecordSerializer):
    class Meta:
        model = ProgramCourse
        fields = "__all__"


class ProgramTrainingSerializer(RecordSerializer):
    class Meta:
        model = ProgramTeacherTraining
        fields = "__all__"
