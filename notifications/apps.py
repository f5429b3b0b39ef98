from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from faculties.signals import plan_decided, plan_submitted


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    # No menu entry: the navbar shows the notifications link with the unread count
    # (templates/portal/_nav_extra.html).

    def ready(self) -> None:
        from intlportal.verification import verification_decided
        from notifications import services

        # A plan submitted, approved or returned tells the people concerned.
        plan_submitted.connect(services.on_plan_submitted, dispatch_uid="notifications:plan-submitted")
        plan_decided.connect(services.on_plan_decided, dispatch_uid="notifications:plan-decided")
        # The office's verification or rejection of an entry tells whoever entered it.
        verification_decided.connect(services.on_verification_decided,
                                     dispatch_uid="notifications:verification-decided")
        # Every other workflow step (mobilities, programs …) tells the people who act next.
        from intlportal.workflow import workflow_step

        workflow_step.connect(services.on_workflow_step, dispatch_uid="notifications:workflow-step")
