"""Sign-in (CAS, sign-out, password reset for local accounts) and the office's accounts pages."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from accounts import cas_views, views

app_name = "accounts"


def _public(view):
    return login_not_required(view)


urlpatterns = [
    # Campus sign-in through CAS (accounts/cas_views.py); the CAS server's single sign-out
    # request is POSTed to the same address.
    path("cas/login/", cas_views.cas_login, name="cas-login"),
    path("cas/logout/", cas_views.cas_logout, name="cas-logout"),
    # Password reset by e-mail, for accounts that have a portal password.
    path("password-reset/", _public(auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/password_reset_email.txt",
        html_email_template_name="accounts/password_reset_email.html",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-done"),
    )), name="password-reset"),
    path("password-reset/sent/", _public(auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html",
    )), name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", _public(auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
    )), name="password-reset-confirm"),
    path("password-reset/done/", _public(auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html",
    )), name="password-reset-complete"),
    # The office's accounts pages (accounts/views.py).
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/activate/", views.user_activate, {"active": True}, name="user-activate"),
    path("users/<int:pk>/deactivate/", views.user_activate, {"active": False}, name="user-deactivate"),
]
