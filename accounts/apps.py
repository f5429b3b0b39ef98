from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who signs in and how: campus sign-in (CAS, LDAP) mapped onto portal accounts, password
    reset for local accounts, and the office's accounts pages."""

    name = "accounts"
    verbose_name = _("accounts")

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from accounts import signin

        # Django saves the user on each sign-in (last_login): with the account's history, that
        # would write a history entry per sign-in.  signin.record_sign_in writes the time and
        # the method with one UPDATE instead.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(signin.record_sign_in, dispatch_uid="accounts_record_sign_in")

        from intlportal import access
        from intlportal.navigation import register

        register(_("Office"), _("Accounts"), "accounts:user-list", order=5, visible=access.is_office)
