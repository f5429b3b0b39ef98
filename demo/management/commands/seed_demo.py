"""Fill the portal with a realistic demo university.

Every app contributes its records through a ``demo`` module with a ``seed(ctx)`` function,
called in dependency order, then its ``after_seed(ctx)`` if it has one.  An app's
``seeding(ctx)``, if present, is a context manager held around the whole run (the assessment
uses it to record no recompute for the demo's saves: its ``after_seed`` assesses the result).
Running the command twice changes nothing the second time: each ``seed`` looks its records up
by natural key before creating them.

``--scale large`` seeds the benchmark's large university (``demo.largedata``) instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo import largedata
from faculties.models import CoordinatorMembership
from intlportal.access import COORDINATOR, LEADER, OFFICE, ROLES

DEFAULT_PASSWORD = "intlportal-demo"  # noqa: S105 - demo accounts only, printed on the console
APP_ORDER = ["faculties", "staff", "accounts", "exchanges", "programs", "trips", "visits", "assessment"]


@dataclass
class DemoContext:
    rng: random.Random
    this_year: int
    scale: str
    stdout: object
    faculties: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def log(self, message: str) -> None:
        self.stdout.write(f"  {message}")


def _demo_modules():
    """The apps' ``demo`` modules, in dependency order."""
    for app in APP_ORDER:
        if importlib.util.find_spec(f"{app}.demo") is not None:
            yield importlib.import_module(f"{app}.demo")


class Command(BaseCommand):
    help = "Create demo faculties, records and the users office, leader and coordinator."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help="Password of the demo users (default: %(default)s).")
        parser.add_argument("--scale", choices=["small", "large"], default="small",
                            help="small: a demo university; large: a benchmark data set.")
        parser.add_argument("--seed", type=int, default=2025, help="Random seed.")

    def handle(self, *args, password: str, scale: str, seed: int, **options):
        ctx = DemoContext(rng=random.Random(seed), this_year=timezone.localdate().year, scale=scale,
                          stdout=self.stdout)
        with ExitStack() as stack:
            for module in _demo_modules():
                if hasattr(module, "seeding"):
                    stack.enter_context(module.seeding(ctx))
            self.seed(ctx, password=password, scale=scale)

    def seed(self, ctx: DemoContext, *, password: str, scale: str) -> None:
        if scale == "large":
            # The benchmark data set replaces the apps' demo records (demo.largedata).
            self.stdout.write("Seeding the large university (benchmark data set)…")
            largedata.seed_large(ctx)
            self.create_users(ctx, password)
            self.stdout.write(self.style.SUCCESS(
                f"Done. Sign in as office, leader or coordinator with the password: {password}"))
            return
        self.stdout.write("Seeding the demo university…")
        for module in _demo_modules():
            with transaction.atomic():
                module.seed(ctx)
            if module.__name__ == "faculties.demo":
                self.create_users(ctx, password)
        for module in _demo_modules():
            if hasattr(module, "after_seed"):
                module.after_seed(ctx)
        self.stdout.write(self.style.SUCCESS(
            f"Done. Sign in as office, leader or coordinator with the password: {password}"))

    def create_users(self, ctx: DemoContext, password: str) -> None:
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
        users = [
            ("office", "外事办", "张", OFFICE, None),
            ("leader", "校领导", "李", LEADER, None),
            ("coordinator", "外事秘书", "王", COORDINATOR, "CS"),
            ("coordinator2", "外事秘书", "赵", COORDINATOR, "FL"),
        ]
        User = get_user_model()
        for username, first, last, role, faculty_code in users:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.edu.cn"},
            )
            user.set_password(password)
            user.save()
            user.groups.add(groups[role])
            if faculty_code:
                CoordinatorMembership.objects.get_or_create(user=user, faculty=ctx.faculties[faculty_code])
        ctx.extra["users"] = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in users])}
        ctx.log("users: office, leader, coordinator (CS), coordinator2 (FL)")
