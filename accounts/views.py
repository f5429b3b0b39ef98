"""The office's accounts pages: the list, an account's page with its history, the form to
create or edit one, and the confirmation to activate or deactivate it.

Only the office opens them (403 otherwise).  A change the office may not make — to a superuser's
account, or deactivating its own — answers 403 with the reason (``accounts/user_refused.html``),
on the form or confirmation page as on its POST.  Every write goes through ``accounts.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts import selectors, services
from accounts.filters import AccountFilter
from accounts.forms import AccountForm
from intlportal import access
from intlportal.views import Column, RecordListView, safe_return_url
from staff.models import StaffMember

User = get_user_model()


def _office_only(request) -> None:
    if not access.is_office(request.user):
        raise PermissionDenied


def _refused(request, account, reason: str):
    return render(request, "accounts/user_refused.html", {
        "title": _("This account cannot be changed here"), "account": account, "reason": reason,
        "name": services.account_label(account)}, status=403)


# The list's sort keys: the columns' ``sort`` → the ordering (the last-sign-in time and the
# staff number put accounts without one last, on every database).
ORDERINGS = {
    "name": (F("last_name").asc(), F("first_name").asc()),
    "username": (F("username").asc(),),
    "staff_no": (F("staff_no").asc(nulls_last=True),),
    "status": (F("is_active").asc(), F("last_login").asc(nulls_first=True)),
    "last_login": (F("last_login").asc(nulls_last=True),),
}


def _reversed(expression):
    # desc() of an ascending expression keeps where it puts the empty values (last stays last).
    return expression.expression.desc(nulls_last=expression.nulls_last, nulls_first=expression.nulls_first)


class AccountList(RecordListView):
    model = User
    filterset_class = AccountFilter
    template_name = "accounts/user_list.html"
    title = gettext_lazy("Accounts")
    create_url_name = "accounts:user-create"
    sort_default = "username"
    empty_hint = gettext_lazy("No account matches. Clear the filters, or search by another name, user name, "
                              "staff number or e-mail address. To give someone access, add an account.")
    columns = [
        Column("name", pgettext_lazy("person", "name"), sort="name"),
        Column("username", gettext_lazy("user name"), sort="username"),
        Column("staff_no", gettext_lazy("staff number"), sort="staff_no"),
        Column("roles", gettext_lazy("role")),
        Column("faculties", gettext_lazy("faculties served")),
        Column("status", gettext_lazy("status"), sort="status"),
        Column("last_login", gettext_lazy("last sign-in"), sort="last_login"),
    ]

    def dispatch(self, request, *args, **kwargs):
        _office_only(request)
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return selectors.accounts()

    def sort_keys(self) -> dict[str, str]:
        # What the generic list orders by first; get_queryset orders as ORDERINGS says.
        return {key: ordering[0].expression.name for key, ordering in ORDERINGS.items()}

    def get_queryset(self):
        sort = self.current_sort() or self.sort_default
        ordering = ORDERINGS[sort.lstrip("-")]
        if sort.startswith("-"):
            ordering = tuple(_reversed(e) for e in ordering)
        return super().get_queryset().order_by(*ordering, "-pk" if sort.startswith("-") else "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for account in ctx["object_list"]:  # the page's rows, as the template iterates them
            account.row = {
                "name": services.display_name(account),
                "roles": [selectors.role_label(r) for r in selectors.roles_of(account)],
                "faculties": [m.faculty for m in account.served],
                "status": selectors.account_status(account),
            }
        # The generic table's cells read the columns' paths; this page writes its own cells
        # (user_list.html): an account's name links to the accounts page, not to a record.
        ctx.update(account_columns=ctx["columns"], columns=[],
                   pending_count=User.objects.filter(selectors.STATUS_FILTERS[selectors.PENDING]).count())
        return ctx


user_list = AccountList.as_view()


def user_detail(request, pk):
    _office_only(request)
    account = get_object_or_404(selectors.accounts(), pk=pk)
    staff_member = None
    if account.staff_no:
        staff_member = StaffMember.objects.filter(staff_no=account.staff_no).select_related("faculty").first()
    entries, history_page = selectors.account_history(account, request.GET.get("history_page"))
    return render(request, "accounts/user_detail.html", {
        "title": services.account_label(account),
        "account": account,
        "name": services.display_name(account),
        "roles": [selectors.role_label(r) for r in selectors.roles_of(account)],
        "faculties": [m.faculty for m in account.served],
        "status": selectors.account_status(account),
        "staff_member": staff_member,
        "has_password": account.has_usable_password(),
        "refusal": services.refusal(request.user, account),
        "deactivation_refusal": services.refusal(request.user, account, deactivate=True),
        "entries": entries,
        "history_page": history_page,
    })


def user_create(request):
    _office_only(request)
    form = AccountForm(request.POST if request.method == "POST" else None, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(by=request.user, **form.account_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The account of “%(account)s” was created.") % {
                "account": services.account_label(account)})
            _tell_about_email(request, account, form.cleaned_data["send_password_email"])
            return redirect("accounts:user-detail", account.pk)
    return render(request, "accounts/user_form.html", {
        "title": _("New account"), "form": form,
        "cancel_url": safe_return_url(request, request.GET.get("next"), reverse("accounts:user-list")),
    })


def user_edit(request, pk):
    _office_only(request)
    account = get_object_or_404(User, pk=pk)
    reason = services.refusal(request.user, account)
    if reason:
        return _refused(request, account, reason)
    form = AccountForm(request.POST if request.method == "POST" else None, instance=account, by=request.user)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_account(user=account, by=request.user,
                                            expected_fingerprint=form.cleaned_data.get("fingerprint") or "",
                                            **form.account_fields())
        except services.StaleAccount as error:
            stale, form = error, _again(request, form, account, error)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The account of “%(account)s” was saved.") % {
                "account": services.account_label(account)})
            _tell_about_email(request, saved, form.cleaned_data["send_password_email"])
            return redirect("accounts:user-detail", account.pk)
    # The form's validation wrote the typed values onto ``account``: the title names the saved ones.
    fresh = User.objects.get(pk=account.pk) if request.method == "POST" else account
    return render(request, "accounts/user_form.html", {
        "title": _("Edit the account of “%(account)s”") % {"account": services.account_label(fresh)},
        "form": form, "account": fresh, "stale": stale,
        "cancel_url": reverse("accounts:user-detail", args=[account.pk]),
    })


def _again(request, form, account, stale: services.StaleAccount) -> AccountForm:
    """The form as typed, on the account as saved now: saving again is a deliberate choice."""
    data = form.data.copy()
    data["fingerprint"] = stale.current_fingerprint
    again = AccountForm(data, instance=User.objects.get(pk=account.pk), by=request.user)
    again.is_valid()
    who = services.account_label(stale.changed_by) if stale.changed_by else _("someone else")
    again.add_error(None, _(
        "%(who)s changed this account after you opened it. Your changes were not saved: they are still in "
        "the form below. Check what was changed, then save again to keep yours.") % {"who": who})
    return again


def _tell_about_email(request, account, asked: bool) -> None:
    # The e-mail goes once the account is committed: at once here, later inside a caller's
    # transaction (``password_email_sent`` is then not known yet).
    if not asked:
        return
    sent = getattr(account, "password_email_sent", None)
    if sent is not False:
        messages.info(request, _("An e-mail with a link to set a portal password is on its way to %(email)s.")
                      % {"email": account.email})
    else:
        messages.warning(request, _("The e-mail with the link to set a password could not be sent to %(email)s. "
                                    "Check the address, then send it again from the account's edit page.")
                         % {"email": account.email})


def user_activate(request, pk, active):
    _office_only(request)
    account = get_object_or_404(User, pk=pk)
    reason = services.refusal(request.user, account, deactivate=not active)
    if reason:
        return _refused(request, account, reason)
    label = services.account_label(account)
    if request.method == "POST":
        if services.set_active(user=account, by=request.user, active=active):
            messages.success(request, (_("“%(account)s” is active: the person can sign in.") if active else
                                       _("“%(account)s” is deactivated: the person is signed out and can no "
                                         "longer sign in.")) % {"account": label})
        else:
            messages.info(request, (_("“%(account)s” was active already.") if active else
                                    _("“%(account)s” was deactivated already.")) % {"account": label})
        return redirect("accounts:user-detail", account.pk)
    return render(request, "accounts/user_activate.html", {
        "title": (_("Activate the account of “%(account)s”?") if active else
                  _("Deactivate the account of “%(account)s”?")) % {"account": label},
        "account": account, "active": active, "roles": services.role_names(account),
        "already": account.is_active == active,
    })
