"""The sign-in form: Django's, saying why a campus sign-in was refused.

A refusal reason (``request.campus_refusal``) is only left once the directory has accepted the
password, or when the directory could not be asked at all, so the messages tell nobody whether
an account exists for a name they merely typed.
"""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import signin

REFUSAL_MESSAGES = {
    signin.PENDING: _(
        "Your account was created at your first sign-in and is waiting for the Foreign Affairs Office "
        "to activate it. You can sign in once the office has activated it."),
    signin.INACTIVE: _(
        "Your portal account has been deactivated. Ask the Foreign Affairs Office if you need access again."),
    signin.UNKNOWN: _(
        "The university's directory knows you, but the portal has no account for you. "
        "Ask the Foreign Affairs Office to create one."),
    signin.CONFLICT: _(
        "Your user name belongs to a portal account with another staff number. "
        "Ask the Foreign Affairs Office to put your staff number on your account."),
    signin.UNAVAILABLE: _(
        "The university's directory cannot be reached just now, so your password could not be checked. "
        "Try again in a few minutes; accounts with a portal password can still sign in."),
}


class SignInForm(AuthenticationForm):
    def get_invalid_login_error(self):
        reason = getattr(self.request, "campus_refusal", None)
        if reason in REFUSAL_MESSAGES:
            return ValidationError(REFUSAL_MESSAGES[reason], code=reason)
        return super().get_invalid_login_error()
