"""`ninhaoban demo`: seed 咸宁's demo data; safe to run again (nothing is duplicated)."""

from django.core.management.base import BaseCommand

from ninhaoban.demo import accounts, regions
from ninhaoban.demo.accounts import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Seed the 咸宁 demo data (idempotent). 写入咸宁演示数据（可重复运行）。"

    def handle(self, *args, **options) -> None:
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


def _later_seeders() -> list:
    """Each app's demo seeder, in layer order; each returns a one-line summary."""
    from ninhaoban.demo import cases, catalog, guidance, kiosks, licences
    from ninhaoban.ledger import demo as ledger

    return [catalog.seed, guidance.seed, licences.seed, kiosks.seed, cases.seed, ledger.seed]


SEEDERS = _later_seeders()
