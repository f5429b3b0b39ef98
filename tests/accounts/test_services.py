"""The accounts services (``accounts.services``): what the office's pages write, with the rules
holding for any caller — a command or a shell as much as a page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts import selectors, services
from faculties.models import CoordinatorMembership
from intlportal import access
from intlportal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")

LINK = re.compile(r"https?://[^/\s]+(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


def newest(account):
    return account.history.order_by("-history_date", "-history_id").first()


def group_names(history_entry) -> set[str]:
    return set(history_entry.groups.values_list("group__name", flat=True))


def fresh(user):
    """The account as the next request reads it (roles and faculties are cached per object)."""
    return User.objects.get(pk=user.pk)


# --- create -----------------------------------------------------------------------------------


def test_a_created_account_is_active_with_its_one_role_no_password_and_one_history_entry(office, faculty_a):
    account = services.create_account(by=office, last_name="王", first_name="伟", staff_no=" 20210001 ",
                                      email="wangwei@example.edu.cn", role="coordinator", faculties=[faculty_a])

    account = fresh(account)
    assert (account.username, account.staff_no, account.is_active) == ("20210001", "20210001", True)
    assert not account.has_usable_password()
    assert not account.is_staff and not account.is_superuser
    assert access.roles(account) == {"coordinator"}
    assert access.faculty_ids(account) == {faculty_a.pk}
    [entry] = account.history.all()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", office, services.CREATED)
    assert group_names(entry) == {"coordinator"}
    [assigned] = CoordinatorMembership.history.filter(user_id=account.pk)
    assert (assigned.history_type, assigned.history_user, assigned.faculty_id) == ("+", office, faculty_a.pk)
    assert assigned.history_change_reason == services.FACULTY_ASSIGNED
    assert services.display_name(account) == "王伟"


@pytest.mark.parametrize(("role", "with_faculty", "field"), [
    ("coordinator", False, "faculties"),
    ("leader", True, "faculties"),
    ("office", True, "faculties"),
    ("superuser", False, "role"),
])
def test_a_role_and_its_faculties_must_agree(office, faculty_a, role, with_faculty, field):
    with pytest.raises(ValidationError) as refused:
        services.create_account(by=office, last_name="Li", username="lili", role=role,
                                faculties=[faculty_a] if with_faculty else [])
    assert field in refused.value.message_dict
    assert not User.objects.filter(username="lili").exists()


def test_a_staff_number_or_a_user_name_in_another_case_is_not_given_twice(office):
    UserFactory(username="ZhangSan", staff_no="20190007")
    with pytest.raises(ValidationError) as refused:
        services.create_account(by=office, last_name="张", staff_no="20190007", username="zs", role="leader")
    assert "staff_no" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.create_account(by=office, last_name="张", username="zhangsan", role="leader")
    assert "username" in refused.value.message_dict


def test_only_the_office_creates_accounts(leader, coord_a):
    for by in (leader, coord_a):
        with pytest.raises(services.AccountRefused):
            services.create_account(by=by, last_name="Li", username="lili", role="office")
    assert not User.objects.filter(username="lili").exists()


def test_a_command_without_a_request_records_nobody_and_its_reason(db):
    account = services.create_account(by=None, last_name="Li", username="lili", role="leader", reason="imported")
    entry = newest(account)
    assert (entry.history_user, entry.history_change_reason) == (None, "imported")


# --- the password e-mail ----------------------------------------------------------------------


def test_the_password_email_goes_once_the_account_is_saved_in_both_languages_with_a_working_link(
        office, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.create_account(by=office, last_name="Chen", first_name="Mei", username="chenmei",
                                          email="chenmei@example.edu.cn", role="leader", send_password_email=True)

    assert account.password_email_sent is True
    [message] = mail.outbox
    assert message.to == ["chenmei@example.edu.cn"]
    assert "Your account on the International Affairs Portal" in message.subject
    assert "Dear Mei Chen," in message.body and "Your user name is chenmei." in message.body
    assert "国际交流与合作处" in message.body and "Foreign Affairs Office" in message.body  # both languages
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    path = LINK.search(message.body).group(1)
    assert path in html
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    password = "a-Portal-passw0rd-of-her-own"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    assert fresh(account).has_usable_password()
    response = client.post(reverse("login"), {"username": "chenmei", "password": password})
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(account.pk)


def test_no_email_without_an_address_and_none_before_the_account_is_saved(office, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as refused:
        services.create_account(by=office, last_name="Chen", username="chenmei", role="leader",
                                send_password_email=True)
    assert "email" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.create_account(by=office, last_name="Chen", username="chenmei", email="c@example.edu.cn",
                                role="leader", send_password_email=True)
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_mail_server_that_is_away_leaves_the_account_and_says_so(office, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(services, "send_mail", refused)
    with django_capture_on_commit_callbacks(execute=True):
        account = services.create_account(by=office, last_name="Chen", username="chenmei",
                                          email="c@example.edu.cn", role="leader", send_password_email=True)
    assert account.password_email_sent is False
    assert User.objects.filter(username="chenmei", is_active=True).exists()


# --- update -----------------------------------------------------------------------------------


@pytest.fixture
def account(office, faculty_a):
    return services.create_account(by=office, last_name="Zhao", first_name="Lei", username="zhaolei",
                                   staff_no="20200001", email="zhaolei@example.edu.cn", role="coordinator",
                                   faculties=[faculty_a])


def test_a_change_of_fields_and_role_is_one_history_entry_with_the_new_set_of_groups(office, account, faculty_a):
    account.groups.add(Group.objects.create(name="newsletter"))  # a group that is not a role stays
    before = account.history.count()
    services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                            email="lei.zhao@example.edu.cn", role="leader", faculties=[])

    account = fresh(account)
    assert account.email == "lei.zhao@example.edu.cn"
    assert access.roles(account) == {"leader"} and access.faculty_ids(account) == frozenset()
    assert set(account.groups.values_list("name", flat=True)) == {"leader", "newsletter"}
    assert account.history.count() == before + 1
    entry = newest(account)
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("~", office, services.CHANGED)
    assert group_names(entry) == {"leader", "newsletter"}
    removed = CoordinatorMembership.history.filter(user_id=account.pk, history_type="-").get()
    assert (removed.faculty_id, removed.history_user, removed.history_change_reason) == (
        faculty_a.pk, office, services.FACULTY_REMOVED)


def test_an_update_that_names_no_role_keeps_every_role_held(office, faculty_a):
    both = UserFactory(username="both", roles=["office", "coordinator"])
    CoordinatorMembership.objects.create(user=both, faculty=faculty_a)
    services.update_account(user=both, by=office, expected_fingerprint=services.fingerprint(both),
                            email="both@example.edu.cn")
    assert access.roles(fresh(both)) == {"office", "coordinator"}
    assert access.faculty_ids(fresh(both)) == {faculty_a.pk}


def test_an_edit_that_changes_nothing_writes_no_history(office, account):
    services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                            email=account.email, role="coordinator")
    assert account.history.count() == 1
    assert CoordinatorMembership.history.filter(user_id=account.pk).count() == 1


def test_an_edit_opened_before_another_change_is_refused_and_says_what_changed(office, account, faculty_b):
    opened = services.fingerprint(account)
    other_office = UserFactory(username="office_two", roles=["office"])
    services.update_account(user=account, by=other_office, expected_fingerprint=opened, faculties=[faculty_b])

    with pytest.raises(services.StaleAccount) as stale:
        services.update_account(user=account, by=office, expected_fingerprint=opened, email="mine@example.edu.cn")

    assert stale.value.changed_by == other_office
    assert [(c.field, c.old, c.theirs) for c in stale.value.changes] == [("faculties", "Faculty A", "Faculty B")]
    assert fresh(account).email == "zhaolei@example.edu.cn"
    # Saving again over the state now shown is a deliberate choice, and works.
    services.update_account(user=account, by=office, expected_fingerprint=stale.value.current_fingerprint,
                            email="mine@example.edu.cn")
    assert fresh(account).email == "mine@example.edu.cn"


@pytest.mark.parametrize("token", ["", "garbage", None])
def test_an_edit_that_does_not_say_what_it_opened_is_refused(office, account, token):
    with pytest.raises(services.StaleAccount):
        services.update_account(user=account, by=office, expected_fingerprint=token, email="x@example.edu.cn")
    assert fresh(account).email == "zhaolei@example.edu.cn"


def test_a_directory_update_at_sign_in_makes_an_open_edit_stale(office, account):
    opened = services.fingerprint(account)
    User.objects.filter(pk=account.pk).update(first_name="Lei (CAS)")
    with pytest.raises(services.StaleAccount) as stale:
        services.update_account(user=account, by=office, expected_fingerprint=opened, email="x@example.edu.cn")
    assert [(c.field, c.old, c.theirs) for c in stale.value.changes] == [("first_name", "Lei", "Lei (CAS)")]


def test_a_user_name_left_blank_on_an_edit_becomes_the_staff_number(office, account):
    services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                            username="", staff_no="20200099")
    assert (fresh(account).username, fresh(account).staff_no) == ("20200099", "20200099")


def test_unknown_fields_such_as_superuser_cannot_be_updated(office, account):
    with pytest.raises(TypeError):
        services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                                is_superuser=True)
    assert not fresh(account).is_superuser


def test_the_office_does_not_change_a_superuser_nor_take_the_office_role_from_itself(office):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(services.AccountRefused):
        services.update_account(user=root, by=office, expected_fingerprint=services.fingerprint(root), email="x@y.cn")
    with pytest.raises(services.AccountRefused):
        services.set_active(user=root, by=office, active=False)
    assert fresh(root).is_active and fresh(root).email == root.email

    with pytest.raises(ValidationError) as refused:
        services.update_account(user=office, by=office, expected_fingerprint=services.fingerprint(office),
                                role="leader")
    assert "role" in refused.value.message_dict
    assert access.roles(fresh(office)) == {"office"}


# --- activation -------------------------------------------------------------------------------


def test_activation_and_deactivation_are_in_the_history_and_the_office_keeps_its_own_account(office, account):
    assert services.set_active(user=account, by=office, active=False) is True
    assert services.set_active(user=account, by=office, active=False) is False
    assert services.set_active(user=account, by=office, active=True) is True
    reasons = list(account.history.order_by("history_date", "history_id").values_list(
        "history_change_reason", "is_active", "history_user"))
    assert reasons[1:] == [(services.DEACTIVATED, False, office.pk), (services.ACTIVATED, True, office.pk)]
    with pytest.raises(services.AccountRefused):
        services.set_active(user=office, by=office, active=False)
    assert fresh(office).is_active


def test_status_tells_awaiting_activation_from_deactivated(db):
    pending = UserFactory(username="pending", is_active=False)
    gone = UserFactory(username="gone", is_active=False)
    User.objects.filter(pk=gone.pk).update(last_login="2025-01-01T08:00:00Z")
    assert selectors.account_status(fresh(pending)) == selectors.PENDING
    assert selectors.account_status(fresh(gone)) == selectors.DEACTIVATED


# --- access follows at once -------------------------------------------------------------------


def test_faculties_and_roles_count_from_the_next_read_of_the_account(office, account, faculty_b):
    services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                            faculties=[faculty_b])
    assert access.faculty_ids(fresh(account)) == {faculty_b.pk}


# --- history ----------------------------------------------------------------------------------


def test_the_history_merges_the_accounts_changes_and_its_faculties_newest_first(office, account, faculty_b):
    services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                            email="new@example.edu.cn", faculties=[faculty_b])
    services.set_active(user=account, by=office, active=False)

    entries, page = selectors.account_history(account)

    assert [e.what for e in entries] == ["Changed", "Faculty removed: Faculty A", "Faculty assigned: Faculty B",
                                         "Changed", "Faculty assigned: Faculty A", "Account created"]
    assert all(e.who == office for e in entries)
    assert [(c.label, c.old, c.new) for c in entries[0].changes] == [("active", "Yes", "No")]
    assert [(c.label, c.old, c.new) for c in entries[3].changes] == [
        ("email address", "zhaolei@example.edu.cn", "new@example.edu.cn")]
    assert ("role", "", "Faculty coordinator") in [(c.label, c.old, c.new) for c in entries[-1].changes]
    assert entries[0].reason == "Deactivated by the office"
    assert page.paginator.count == 6


def test_a_long_history_is_paged_with_the_same_entries_once_each(office, account):
    for number in range(25):
        services.update_account(user=account, by=office, expected_fingerprint=services.fingerprint(account),
                                email=f"n{number}@example.edu.cn")
    first, page = selectors.account_history(account, 1)
    second, page_two = selectors.account_history(account, 2)
    assert (len(first), len(second), page.has_next(), page_two.has_next()) == (20, 7, True, False)
    assert first[0].changes[0].new == "n24@example.edu.cn"
    assert second[-1].what == "Account created"
    # The oldest change of page 1 still says what it changed (the entry before it is on page 2).
    assert first[-1].changes[0].old and first[-1].changes[0].new


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture
def demo(db, monkeypatch):
    from demo.management.commands import seed_demo

    if "accounts" not in seed_demo.APP_ORDER:  # until seed_demo names the plug-in itself
        monkeypatch.setattr(seed_demo, "APP_ORDER", [*seed_demo.APP_ORDER, "accounts"])
    call_command("seed_demo", password="demo-pass-123", verbosity=0)


def test_the_demo_has_accounts_in_every_state_and_its_coordinator_is_a_staff_member(demo):
    from staff.models import StaffMember

    coordinator = User.objects.get(username="coordinator")
    member = StaffMember.objects.get(staff_no=coordinator.staff_no)
    assert member.faculty.code == "CS"
    assert User.objects.filter(staff_no__isnull=True, is_superuser=False).count() == 0
    statuses = {selectors.account_status(u) for u in User.objects.all()}
    assert statuses == {selectors.ACTIVE, selectors.PENDING, selectors.DEACTIVATED}
    pending = User.objects.get(is_active=False, last_login__isnull=True)
    assert not pending.has_usable_password() and access.roles(pending) == frozenset()
    assert pending.history.get().history_change_reason.startswith("first sign-in through CAS")
    two = [u for u in User.objects.filter(groups__name="coordinator") if len(access.faculty_ids(u)) == 2]
    assert len(two) == 1
    assert User.objects.filter(groups__name="leader").count() >= 2
    assert User.objects.exclude(last_sign_in_method="").count() >= 3
    assert User.objects.get(username="office").check_password("demo-pass-123")


def test_seeding_the_demo_again_adds_no_account(demo):
    before = {u.username: (u.staff_no, u.is_active, u.last_login) for u in User.objects.all()}
    call_command("seed_demo", password="demo-pass-123", verbosity=0)
    assert {u.username: (u.staff_no, u.is_active, u.last_login) for u in User.objects.all()} == before

