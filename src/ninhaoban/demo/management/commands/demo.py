"""`ninhaoban demo`: seed 咸宁's demo data; safe to run again (nothing is duplicated).
`ninhaoban demo --persons`: list the demo persons, whose ID numbers the demo made up."""

from django.core.management.base import BaseCommand, CommandParser

from ninhaoban.core.idnumbers import mask_phone
from ninhaoban.demo import accounts, regions
from ninhaoban.demo.accounts import DEMO_PASSWORD
from ninhaoban.regions.models import Level, Region


class Command(BaseCommand):
    help = "Seed the 咸宁 demo data (idempotent). 写入咸宁演示数据（可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons",
            action="store_true",
            help="list the demo persons (fictional) with their ID numbers; seed nothing",
        )

    def handle(self, *args, **options) -> None:
        if options["persons"]:
            self._persons()
            return
        levels = regions.seed()
        self.stdout.write(f"regions: {levels}")
        staff = accounts.seed_staff()
        counts = accounts.seed_applicants()
        self.stdout.write(f"applicants: {counts}")
        for seeder in SEEDERS:
            self.stdout.write(seeder())
        self.stdout.write(f"\n演示账号 / demo staff (password: {DEMO_PASSWORD}):")
        for username, role, scope in staff:
            self.stdout.write(f"  {username:28} {role:8} {scope}")
        self.stdout.write("\n演示申请人 / demo persons: ninhaoban demo --persons")

    def _persons(self) -> None:
        persons = accounts.demo_persons()
        if not persons:
            self.stdout.write(
                "没有演示申请人，请先运行 ninhaoban demo / no demo persons: run `demo`"
            )
            return
        self.stdout.write(
            f"演示申请人（虚构）/ demo persons (fictional); 密码 = password {DEMO_PASSWORD} "
            "at /login/, 短信 = SMS login code"
        )
        counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("code", "name"))
        for person, has_password in persons:
            login = "密码+短信 password+SMS" if has_password else "短信 SMS"
            place = f"{counties.get(person.region.code[:6] + '000000', '')} {person.region.name}"
            self.stdout.write(
                f"  {person.identifier}  {person.name:4}  {mask_phone(person.phone)}  "
                f"{place:12}  {login}"
            )


def _later_seeders() -> list:
    """Each app's demo seeder, in layer order; each returns a one-line summary."""
    from ninhaoban.demo import appointments as demo_appointments
    from ninhaoban.demo import (
        cases,
        catalog,
        guidance,
        inspections,
        kiosks,
        licences,
        organizations,
    )
    from ninhaoban.demo import evaluation as demo_evaluation
    from ninhaoban.demo import payments as demo_payments
    from ninhaoban.ledger import demo as ledger

    return [
        catalog.seed,
        guidance.seed,
        licences.seed,
        kiosks.seed,
        cases.seed,
        organizations.seed,
        inspections.seed,
        demo_payments.seed,
        demo_evaluation.seed,
        demo_appointments.seed,
        _fold_rollups,
        ledger.seed,
    ]


def _fold_rollups() -> str:
    """The demo's case events folded into the 一张网考评 rollups now, so the dashboards
    show them before the worker's first drain."""
    from ninhaoban.supervision.services import drain

    return f"supervision: {drain()} case events folded into the rollups"


SEEDERS = _later_seeders()
