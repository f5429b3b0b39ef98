"""The indicator codes of the office's rulebook (shared/ASSESSMENT.md).

They live here, below every app, because plans (faculties) name them as planned targets while
the assessment app owns their weights and rules.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorCode(models.TextChoices):
    PLAN_APPROVED = "plan_approved", _("Internationalization plan approved")
    PARTNERS = "partners", _("Partner institutions with active agreements")
    TEACHERS_ABROAD = "teachers_abroad", _("Teachers sent abroad")
    TEACHER_OVERSEAS_SHARE = "teacher_overseas_share", _("Share of teachers with overseas experience (%)")
    STUDENT_OVERSEAS_SHARE = "student_overseas_share", _("Share of students with overseas experience (%)")
    FOREIGN_TEACHER_SEMESTERS = "foreign_teacher_semesters", _("Foreign teacher semesters")
    OVERSEAS_SCHOLAR_LECTURES = "overseas_scholar_lectures", _("Lectures by overseas scholars")
    CONFERENCES_HOSTED = "conferences_hosted", _("International conferences and seminars hosted")
    INTL_PUBLICATIONS_PER_TEACHER = "intl_publications_per_teacher", _("International publications per teacher")
    COOPERATIVE_PROGRAMS = "cooperative_programs", _("Sino-foreign cooperative programs")
    PROGRAM_TEACHER_TRAINING = "program_teacher_training", _("Training of cooperative program teachers")
    FOREIGN_SITE_UPDATED = "foreign_site_updated", _("Foreign-language website updated")
    TEACHER_LANGUAGE_PASS_SHARE = "teacher_language_pass_share", _("Share of teachers passing the language assessment (%)")
