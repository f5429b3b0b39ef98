"""Demo accounts (part of ``seed_demo``): staff numbers for the demo users — each coordinator's
that of a staff member of their faculty, so the account's page links to the staff record —
and accounts in every state the office meets: one awaiting activation since a first sign-in
through CAS, one deactivated, a second university leader and a coordinator serving two
faculties.  Some have signed in (the time and method are written as a sign-in writes them,
without a save).  Run twice, it changes nothing the second time.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import services
from faculties.models import Faculty
from staff.models import StaffMember

# The demo users seed_demo makes: numbers for those who are not faculty staff, the faculty
# whose staff number a coordinator takes.
STAFF_NUMBERS = {"office": "20080312", "leader": "19950027"}
COORDINATOR_FACULTIES = {"coordinator": "CS", "coordinator2": "FL"}
# (user name, family name, given name, role, faculty codes, staff number)
ACCOUNTS = [
    ("zhoujun", "周", "军", "leader", (), "19980114"),
    ("chenjing", "陈", "静", "coordinator", ("EM", "LAW"), "20110526"),
    ("sunli", "孙", "丽", "coordinator", ("ME",), "20060918"),  # left the faculty: deactivated
]
DEACTIVATED = "sunli"
# Who signed in last, how, and how long ago.
SIGN_INS = [("office", "local", 0), ("leader", "cas", 2), ("coordinator", "cas", 1), ("coordinator2", "ldap", 5),
            ("zhoujun", "cas", 9), ("chenjing", "ldap", 3), ("sunli", "cas", 420)]


def seed(ctx) -> None:
    """Nothing here: the accounts are seeded once the users and the staff exist (``after_seed``)."""


def after_seed(ctx) -> None:
    User = get_user_model()
    office = User.objects.get(username="office")
    _give_staff_numbers(office)
    for username, last, first, role, codes, staff_no in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        services.create_account(by=office, last_name=last, first_name=first, username=username,
                                staff_no=staff_no, email=f"{username}@example.edu.cn", role=role,
                                faculties=list(Faculty.objects.filter(code__in=codes)))
    _pending_since_a_first_cas_sign_in()
    now = timezone.now()
    for username, method, days_ago in SIGN_INS:
        User.objects.filter(username=username, last_login__isnull=True).update(
            last_login=now - timedelta(days=days_ago, hours=3), last_sign_in_method=method)
    services.set_active(user=User.objects.get(username=DEACTIVATED), by=office, active=False)
    ctx.log("accounts: staff numbers, a second leader, a coordinator of two faculties, "
            "one awaiting activation, one deactivated")


def _give_staff_numbers(office) -> None:
    User = get_user_model()
    numbers = dict(STAFF_NUMBERS)
    taken = set(User.objects.exclude(staff_no=None).values_list("staff_no", flat=True))
    for username, code in COORDINATOR_FACULTIES.items():
        member = (StaffMember.objects.filter(faculty__code=code, category=StaffMember.Category.DOMESTIC,
                                             left_on__isnull=True)
                  .exclude(staff_no__in=taken).order_by("staff_no").first())
        if member is not None:
            numbers[username] = member.staff_no
    for user in User.objects.filter(username__in=numbers, staff_no__isnull=True):
        services.update_account(user=user, by=office, expected_fingerprint=services.fingerprint(user),
                                staff_no=numbers[user.username])


def _pending_since_a_first_cas_sign_in() -> None:
    """A lecturer of mechanical engineering who signed in through CAS before anyone gave them a
    role: the account ``accounts.signin`` makes (inactive, no password, no role)."""
    User = get_user_model()
    if User.history.filter(history_type="+", history_change_reason__startswith="first sign-in through CAS").exists():
        return
    member = (StaffMember.objects.filter(faculty__code="ME", category=StaffMember.Category.DOMESTIC,
                                         left_on__isnull=True)
              .exclude(staff_no__in=User.objects.exclude(staff_no=None).values("staff_no"))
              .order_by("-staff_no").first())
    staff_no = member.staff_no if member else "20230415"
    account = User(username=staff_no, staff_no=staff_no, first_name=member.name if member else "刘洋",
                   email=f"{staff_no.lower()}@example.edu.cn", is_active=False)
    account.set_unusable_password()
    account._change_reason = "first sign-in through CAS: awaits activation by the office"
    account.save()
