"""The office's accounts pages: the list with its search and filters, creating and editing an
account, activating and deactivating it, its page with the history — and what each change does
to the person's access at their very next request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from intlportal import access
from intlportal.models import User
from tests.factories import CoordinatorMembershipFactory, DisciplineFactory, StaffMemberFactory, UserFactory
from tests.formdata import form_data

pytestmark = pytest.mark.usefixtures("english")

PASSWORD = "pw-for-tests-1"  # UserFactory's
LIST = reverse("accounts:user-list")
CREATE = reverse("accounts:user-create")


def detail(user) -> str:
    return reverse("accounts:user-detail", args=[user.pk])


def edit(user) -> str:
    return reverse("accounts:user-edit", args=[user.pk])


def activate(user) -> str:
    return reverse("accounts:user-activate", args=[user.pk])


def deactivate(user) -> str:
    return reverse("accounts:user-deactivate", args=[user.pk])


def fresh(user):
    return User.objects.get(pk=user.pk)


def listed(response) -> list[str]:
    return [account.username for account in response.context["object_list"]]


def errors(response) -> dict:
    return response.context["form"].errors


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def people(db, faculty_a, faculty_b):
    """A few accounts in every state, for the list."""
    wang = UserFactory(username="wangwei", first_name="伟", last_name="王", staff_no="20190001",
                       email="wang.wei@example.edu.cn", roles=["coordinator"])
    CoordinatorMembershipFactory(user=wang, faculty=faculty_a)
    carter = UserFactory(username="ecarter", first_name="Emily", last_name="Carter", staff_no="T0042",
                         email="emily@example.edu.cn", roles=["leader"])
    pending = UserFactory(username="20260099", first_name="李华", staff_no="20260099", is_active=False)
    gone = UserFactory(username="former", first_name="丽", last_name="孙", is_active=False, roles=["coordinator"])
    CoordinatorMembershipFactory(user=gone, faculty=faculty_b)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    User.objects.filter(pk=wang.pk).update(last_login="2026-03-01T01:00:00Z", last_sign_in_method="cas")
    User.objects.filter(pk=carter.pk).update(last_login="2026-03-02T01:00:00Z", last_sign_in_method="ldap")
    User.objects.filter(pk=gone.pk).update(last_login="2025-01-02T01:00:00Z", last_sign_in_method="local")
    return {"wang": wang, "carter": carter, "pending": pending, "gone": gone, "root": root}


# --- who opens the pages ----------------------------------------------------------------------


def test_only_the_office_opens_the_accounts_pages_and_finds_them_in_its_menu(personas, people):
    urls = [LIST, CREATE, detail(people["wang"]), edit(people["wang"]), deactivate(people["wang"])]
    for url in urls:
        assert personas["office"].get(url).status_code == 200, url
        for persona in ("leader", "coord_a", "coord_b"):
            assert personas[persona].get(url).status_code == 403, (persona, url)
        assert personas["anonymous"].get(url)["Location"].startswith(reverse("login"))
    for persona in ("leader", "coord_a"):
        response = personas[persona].post(CREATE, {"last_name": "X", "username": "x", "role": "office"})
        assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()
    assert LIST in personas["office"].get(detail(people["wang"])).content.decode()
    assert f'href="{LIST}"' in personas["office"].get(reverse("faculties:faculty-list")).content.decode()
    assert f'href="{LIST}"' not in personas["leader"].get(reverse("faculties:faculty-list")).content.decode()


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_accounts_name_roles_faculties_status_and_last_sign_in(office_client, people):
    response = office_client.get(LIST, {"sort": "username"})
    page = response.content.decode()

    assert response.status_code == 200
    assert listed(response) == ["20260099", "ecarter", "former", "office_user", "root", "wangwei"]
    assert "王伟" in page and "Emily Carter" in page  # a Chinese name family name first
    assert "20190001" in page and "Faculty coordinator" in page and "Faculty A" in page
    assert "Awaiting activation" in page and "Deactivated" in page and "Active" in page
    assert "Unified identity service (CAS)" in page and "Directory (LDAP)" in page
    assert "Superuser" in page  # listed, though the office cannot change it
    assert "1 account awaits activation" in page
    assert f'href="{detail(people["wang"])}"' in page


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "王伟"}, ["wangwei"]),
    ({"q": "emily carter"}, ["ecarter"]),
    ({"q": "t0042"}, ["ecarter"]),
    ({"q": "wang.wei@"}, ["wangwei"]),
    ({"q": "forme"}, ["former"]),
    ({"role": "coordinator"}, ["former", "wangwei"]),
    ({"role": "leader"}, ["ecarter"]),
    ({"role": "none"}, ["20260099", "root"]),
    ({"status": "active"}, ["ecarter", "office_user", "root", "wangwei"]),
    ({"status": "pending"}, ["20260099"]),
    ({"status": "deactivated"}, ["former"]),
    ({"sign_in": "cas"}, ["wangwei"]),
    ({"sign_in": "never"}, ["20260099", "root"]),
    ({"sign_in": "local"}, ["former", "office_user"]),  # the office signed in (its test client) with a password
    ({"role": "coordinator", "status": "active"}, ["wangwei"]),
])
def test_the_list_searches_and_filters(office_client, people, query, expected):
    response = office_client.get(LIST, {**query, "sort": "username"})
    assert listed(response) == expected


def test_the_list_filters_by_faculty_served(office_client, people, faculty_b):
    assert listed(office_client.get(LIST, {"faculty": faculty_b.pk})) == ["former"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("last_login", ["former", "wangwei", "ecarter", "office_user", "20260099", "root"]),
    ("-last_login", ["office_user", "ecarter", "wangwei", "former", "root", "20260099"]),
    ("staff_no", ["20190001", "20260099", "T0042", None, None, None]),
    ("status", ["20260099", "former", "wangwei", "ecarter", "office_user", "root"]),
])
def test_the_list_sorts_and_puts_the_empty_values_last_on_every_database(office_client, people, sort, expected):
    response = office_client.get(LIST, {"sort": sort})
    accounts = response.context["object_list"]
    if sort == "staff_no":
        assert [a.staff_no for a in accounts] == expected
    elif sort == "status":
        assert [a.username for a in accounts][:2] == expected[:2]  # awaiting first, then deactivated
    else:
        assert [a.username for a in accounts] == expected


def test_a_list_with_no_match_says_what_to_do(office_client, people):
    page = office_client.get(LIST, {"q": "nobody-called-this"}).content.decode()
    assert "No account matches." in page and "To give someone access, add an account." in page
    assert f'href="{CREATE}"' in page


def test_the_list_pages(office_client, people, settings):
    for number in range(30):
        UserFactory(username=f"staff{number:02d}")
    first = office_client.get(LIST)
    second = office_client.get(LIST, {"page": 2})
    assert len(first.context["object_list"]) == settings.PAGINATE_BY
    assert not set(listed(first)) & set(listed(second))
    assert first.context["paginator"].count == 36


def test_the_list_reads_the_same_queries_for_one_account_and_for_many(office_client, people, faculty_a, faculty_b,
                                                                      django_assert_num_queries):
    # session, user, the office's roles, the count, the page's rows (its keys in a subquery),
    # their roles, their faculties (with the faculty), the count of accounts awaiting
    # activation, the notifications badge, the faculty filter's choices
    ContentType.objects.get_for_models(User)  # warm the per-process content-type cache
    office_client.get(LIST)
    with django_assert_num_queries(10):
        office_client.get(LIST)
    for number in range(15):
        account = UserFactory(username=f"coordinator{number}", staff_no=f"2020{number:04d}", roles=["coordinator"])
        CoordinatorMembershipFactory(user=account, faculty=faculty_a)
        CoordinatorMembershipFactory(user=account, faculty=faculty_b)
    with django_assert_num_queries(10):
        response = office_client.get(LIST)
    assert len(response.context["object_list"]) == 21


# --- creating an account ----------------------------------------------------------------------


def create_data(**changes) -> dict:
    data = {"last_name": "王", "first_name": "芳", "username": "", "staff_no": "20210077",
            "email": "wangfang@example.edu.cn", "role": "coordinator", "faculties": []}
    data.update(changes)
    return data


def test_the_office_creates_a_coordinator_whose_user_name_is_the_staff_number(office_client, office, faculty_a):
    response = office_client.post(CREATE, create_data(faculties=[faculty_a.pk]))

    account = User.objects.get(staff_no="20210077")
    assert response.status_code == 302 and response["Location"] == detail(account)
    assert account.username == "20210077" and account.is_active and not account.has_usable_password()
    assert access.roles(account) == {"coordinator"} and access.faculty_ids(account) == {faculty_a.pk}
    assert account.history.get().history_user == office
    assert "The account of “王芳 (20210077)” was created." in office_client.get(response["Location"]).content.decode()
    assert mail.outbox == []  # no password e-mail unless asked


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"faculties": []}, "faculties", "Choose the faculties this coordinator serves"),
    ({"role": "leader", "faculties": "A"}, "faculties", "Only a faculty coordinator serves faculties."),
    ({"staff_no": "", "username": ""}, "username", "Enter a user name, or a staff number to use as one."),
    ({"last_name": "", "first_name": ""}, "last_name", "Enter the person's name"),
    ({"role": ""}, "role", "This field is required."),
    ({"role": "superuser"}, "role", "Select a valid choice."),
    ({"email": "not-an-address"}, "email", "Enter a valid email address."),
    ({"email": "", "send_password_email": "on", "role": "leader"}, "email", "Enter the e-mail address the link"),
    ({"username": "has space", "role": "leader"}, "username", "Enter a valid username."),
])
def test_a_refused_account_form_says_why_and_keeps_what_was_typed(office_client, faculty_a, changes, field,
                                                                  message):
    data = create_data(**changes)
    if data["faculties"] == "A":
        data["faculties"] = [faculty_a.pk]
    response = office_client.post(CREATE, data)

    assert response.status_code == 200
    assert any(message in error for error in errors(response)[field]), errors(response)
    typed = form_data(response.content.decode(), must_have="last_name")
    assert typed["last_name"] == data["last_name"] and typed["email"] == data["email"]
    assert typed.get("role", "") == (data["role"] if data["role"] in ("leader", "coordinator") else "")
    assert User.objects.count() == 1  # the office only


def test_a_staff_number_already_held_is_refused_naming_the_account(office_client, people):
    response = office_client.post(CREATE, create_data(staff_no="20190001", faculties=[]))
    assert errors(response)["staff_no"] == [
        "Staff number 20190001 already belongs to the account “王伟 (wangwei)”. A person has one account: open "
        "that one, or check the number."]
    response = office_client.post(CREATE, create_data(username="WangWei", role="leader"))
    assert errors(response)["username"] == ["The user name WangWei is taken by the account “王伟 (wangwei)”."]


def test_posted_superuser_and_staff_flags_are_ignored(office_client, faculty_a):
    office_client.post(CREATE, create_data(role="leader", is_superuser="on", is_staff="on",
                                           is_active="", groups="1", user_permissions="1"))
    account = User.objects.get(staff_no="20210077")
    assert (account.is_superuser, account.is_staff, account.is_active) == (False, False, True)
    assert account.user_permissions.count() == 0 and access.roles(account) == {"leader"}


def test_the_password_email_link_lets_the_person_set_a_password_and_sign_in(office_client,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(CREATE, create_data(role="leader", send_password_email="on"), follow=True)

    assert "An e-mail with a link to set a portal password is on its way to wangfang@example.edu.cn." in (
        response.content.decode())
    [message] = mail.outbox
    assert message.to == ["wangfang@example.edu.cn"]
    path = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/\S+/)", message.body).group(1)
    person = Client()
    form_page = person.get(path, follow=True)
    assert form_page.context["validlink"]
    person.post(form_page.redirect_chain[-1][0], {"new_password1": "Fang-sets-her-0wn", "new_password2":
                                                  "Fang-sets-her-0wn"})
    assert sign_in(person, "20210077", "Fang-sets-her-0wn").status_code == 302
    # The link works once.
    assert not Client().get(path, follow=True).context["validlink"]


# --- editing an account -----------------------------------------------------------------------


def open_form(client, account) -> dict:
    response = client.get(edit(account))
    assert response.status_code == 200
    return form_data(response.content.decode(), must_have="fingerprint")


def test_the_edit_form_saves_the_changes_and_the_page_shows_them(office_client, people, faculty_b):
    data = open_form(office_client, people["wang"])
    data.update(email="wei.wang@example.edu.cn", faculties=[str(faculty_b.pk)])

    response = office_client.post(edit(people["wang"]), data)

    assert response.status_code == 302
    wang = fresh(people["wang"])
    assert wang.email == "wei.wang@example.edu.cn" and access.faculty_ids(wang) == {faculty_b.pk}


def test_an_edit_opened_before_someone_elses_is_refused_with_what_changed_and_the_input_kept(
        office_client, people, faculty_a, faculty_b):
    stale = open_form(office_client, people["wang"])
    other_office = UserFactory(username="office_two", first_name="Jun", last_name="Zhou", roles=["office"])
    other = Client()
    other.force_login(other_office)
    theirs = open_form(other, people["wang"])
    theirs.update(faculties=[str(faculty_a.pk), str(faculty_b.pk)])
    assert other.post(edit(people["wang"]), theirs).status_code == 302

    stale.update(email="mine@example.edu.cn")
    response = office_client.post(edit(people["wang"]), stale)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jun Zhou (office_two) changed this account after you opened it. Your changes were not saved" in page
    assert "What the other person changed" in page and "Faculty A, Faculty B" in page
    assert form_data(page, must_have="fingerprint")["email"] == "mine@example.edu.cn"
    assert fresh(people["wang"]).email == "wang.wei@example.edu.cn"
    # Saving the form shown again keeps the input, over the other change, on purpose.
    again = form_data(page, must_have="fingerprint")
    assert office_client.post(edit(people["wang"]), again).status_code == 302
    wang = fresh(people["wang"])
    assert wang.email == "mine@example.edu.cn" and access.faculty_ids(wang) == {faculty_a.pk}


def test_an_edit_refused_by_a_rule_keeps_what_was_typed(office_client, people):
    data = open_form(office_client, people["wang"])
    data.update(first_name="卫", role="leader")  # the faculties are still ticked
    response = office_client.post(edit(people["wang"]), data)
    assert response.status_code == 200
    assert "Only a faculty coordinator serves faculties." in response.content.decode()
    typed = form_data(response.content.decode(), must_have="fingerprint")
    assert (typed["first_name"], typed["role"]) == ("卫", "leader")
    assert fresh(people["wang"]).first_name == "伟"


def test_posted_superuser_flags_on_an_edit_change_nothing(office_client, people):
    data = open_form(office_client, people["carter"])
    data.update(is_superuser="on", is_staff="on")
    assert office_client.post(edit(people["carter"]), data).status_code == 302
    carter = fresh(people["carter"])
    assert not carter.is_superuser and not carter.is_staff


def test_the_form_warns_that_saving_keeps_one_role_of_several(office_client, faculty_a):
    both = UserFactory(username="both", last_name="Ma", roles=["leader", "coordinator"])
    CoordinatorMembershipFactory(user=both, faculty=faculty_a)
    page = office_client.get(edit(both)).content.decode()
    assert "This account holds several roles (University leader, Faculty coordinator)" in page
    data = form_data(page, must_have="fingerprint")
    assert data["role"] == "leader"
    data.update(role="coordinator")
    assert office_client.post(edit(both), data).status_code == 302
    assert access.roles(fresh(both)) == {"coordinator"}


def test_the_office_cannot_take_the_office_role_from_itself(office_client, office):
    data = open_form(office_client, office)
    data.update(role="leader")
    response = office_client.post(edit(office), data)
    assert "You cannot take the office role from your own account." in response.content.decode()
    assert access.roles(fresh(office)) == {"office"}


# --- what the office may not change -----------------------------------------------------------


def test_a_superuser_account_is_refused_with_a_reason_on_every_change(office_client, people):
    root = people["root"]
    for url in (edit(root), deactivate(root)):
        for method in ("get", "post"):
            response = getattr(office_client, method)(url, {"email": "x@example.edu.cn", "role": "leader"})
            assert response.status_code == 403, (method, url)
            assert "superuser account" in response.content.decode()
    root = fresh(root)
    assert root.is_active and root.email == "root@example.edu.cn"
    page = office_client.get(detail(root)).content.decode()
    assert edit(root) not in page and deactivate(root) not in page and "superuser account" in page


def test_the_office_cannot_deactivate_its_own_account(office_client, office):
    for method in ("get", "post"):
        response = getattr(office_client, method)(deactivate(office))
        assert response.status_code == 403
        assert "You cannot deactivate your own account." in response.content.decode()
    assert fresh(office).is_active
    assert deactivate(office) not in office_client.get(detail(office)).content.decode()


# --- activation -------------------------------------------------------------------------------


def test_an_unknown_person_has_no_access_until_the_office_activates_the_account(office_client, people):
    pending = people["pending"]
    person = Client()
    assert sign_in(person, pending.username).status_code == 200  # the sign-in page again
    assert SESSION_KEY not in person.session

    confirm = office_client.get(activate(pending))
    assert confirm.status_code == 200
    assert "This account has no role yet" in confirm.content.decode()
    response = office_client.post(activate(pending))

    assert response.status_code == 302 and response["Location"] == detail(pending)
    assert "is active: the person can sign in." in office_client.get(detail(pending)).content.decode()
    assert fresh(pending).is_active
    assert sign_in(person, pending.username).status_code == 302
    assert person.session[SESSION_KEY] == str(pending.pk)


def test_deactivation_signs_the_person_out_at_their_next_request(office_client, coord_a):
    person = Client()
    assert sign_in(person, "coord_a").status_code == 302  # a portal password: Django's ModelBackend
    assert person.get(reverse("staff:staffmember-list")).status_code == 200

    confirm = office_client.get(deactivate(coord_a))
    assert confirm.status_code == 200 and "Yes, deactivate" in confirm.content.decode()
    response = office_client.post(deactivate(coord_a))

    assert response.status_code == 302 and response["Location"] == detail(coord_a)
    assert not fresh(coord_a).is_active
    refused = person.get(reverse("staff:staffmember-list"))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("login"))
    assert sign_in(Client(), "coord_a").status_code == 200  # nor may they sign in again


def test_activating_an_active_account_changes_nothing(office_client, people):
    entries = people["wang"].history.count()
    response = office_client.post(activate(people["wang"]), follow=True)
    assert "was active already" in response.content.decode()
    assert people["wang"].history.count() == entries


# --- faculties served count at once -----------------------------------------------------------


def test_a_coordinator_sees_a_faculty_from_the_request_after_the_office_assigns_it_and_not_after(
        office_client, coord_a_client, coord_a, faculty_a, faculty_b):
    discipline_b = DisciplineFactory(faculty=faculty_b, name_en="Marine Biology")
    url_b = reverse("faculties:discipline-detail", args=[discipline_b.pk])
    lists = reverse("faculties:discipline-list")
    assert coord_a_client.get(url_b).status_code == 404
    assert "Marine Biology" not in coord_a_client.get(lists).content.decode()

    data = open_form(office_client, coord_a)
    data["faculties"] = [str(faculty_a.pk), str(faculty_b.pk)]
    assert office_client.post(edit(coord_a), data).status_code == 302

    assert coord_a_client.get(url_b).status_code == 200
    assert "Marine Biology" in coord_a_client.get(lists).content.decode()

    data = open_form(office_client, coord_a)
    data["faculties"] = [str(faculty_a.pk)]
    assert office_client.post(edit(coord_a), data).status_code == 302

    assert coord_a_client.get(url_b).status_code == 404
    assert "Marine Biology" not in coord_a_client.get(lists).content.decode()


# --- the account's page -----------------------------------------------------------------------


def test_the_account_page_links_the_staff_record_and_never_shows_the_password_hash(office_client, people, faculty_a):
    member = StaffMemberFactory(staff_no="20190001", faculty=faculty_a, name="王伟")
    wang = fresh(people["wang"])
    page = office_client.get(detail(wang)).content.decode()

    assert f'href="{member.get_absolute_url()}"' in page
    assert "wang.wei@example.edu.cn" in page and "Faculty A" in page
    assert "Unified identity service (CAS)" in page  # the last sign-in method
    assert "Set: the person may sign in with a portal password." in page
    assert wang.password not in page and "md5$" not in page


def test_the_history_shows_each_change_with_who_made_it(office_client, office, people, faculty_b):
    wang = people["wang"]
    data = open_form(office_client, wang)
    data.update(email="wei@example.edu.cn", faculties=[str(faculty_b.pk)])
    office_client.post(edit(wang), data)
    office_client.post(deactivate(wang))

    response = office_client.get(detail(wang))
    whats = [entry.what for entry in response.context["entries"]]
    page = response.content.decode()

    assert whats[:4] == ["Changed", "Faculty removed: Faculty A", "Faculty assigned: Faculty B", "Changed"]
    assert all(entry.who == office for entry in response.context["entries"][:4])
    assert "Deactivated by the office" in page and "Changed by the office" in page
    assert "wei@example.edu.cn" in page and "wang.wei@example.edu.cn" in page
    assert "office_user" in page


def test_a_long_history_links_to_its_older_entries(office_client, office, people):
    wang = people["wang"]
    for number in range(22):
        services.update_account(user=wang, by=office, expected_fingerprint=services.fingerprint(wang),
                                email=f"w{number}@example.edu.cn")
    page = office_client.get(detail(wang)).content.decode()
    assert "Older entries" in page and "?history_page=2" in page
    older = office_client.get(detail(wang), {"history_page": 2})
    total = wang.history.count() + 1  # and the faculty assigned when the fixture made it
    assert len(older.context["entries"]) == total - 20 and "Newer entries" in older.content.decode()


def test_the_account_page_reads_the_same_queries_however_long_the_history(office_client, office, people,
                                                                          django_assert_num_queries):
    # session, user, the office's roles, the account, its roles, its faculties (with the
    # faculty), the staff member of its number; the history: the two counts, the account's
    # entries, the faculties' entries, the groups of each entry, the groups' names, the
    # faculties' names; the notifications badge
    wang = people["wang"]
    ContentType.objects.get_for_models(User)  # warm the per-process content-type cache
    office_client.get(detail(wang))
    with django_assert_num_queries(15):
        office_client.get(detail(wang))
    for number in range(30):
        services.update_account(user=wang, by=office, expected_fingerprint=services.fingerprint(wang),
                                email=f"w{number}@example.edu.cn")
    with django_assert_num_queries(15):
        response = office_client.get(detail(wang))
    assert len(response.context["entries"]) == 20


def test_activating_a_deactivated_account_again_does_not_revive_its_old_sessions(office_client, coord_a):
    before = Client()
    assert sign_in(before, "coord_a").status_code == 302
    assert before.get(reverse("staff:staffmember-list")).status_code == 200

    office_client.post(deactivate(coord_a))
    office_client.post(reverse("accounts:user-activate", args=[coord_a.pk]))
    assert fresh(coord_a).is_active

    # The session opened before the deactivation stays void; a new sign-in works.
    refused = before.get(reverse("staff:staffmember-list"))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("login"))
    after = Client()
    assert sign_in(after, "coord_a").status_code == 302
    assert after.get(reverse("staff:staffmember-list")).status_code == 200
