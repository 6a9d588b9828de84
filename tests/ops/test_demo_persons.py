"""`ninhaoban demo --persons` lists the demo persons with their full (made-up) ID numbers,
and never anyone else registered in the same database."""

from io import StringIO

import pytest
from django.core.management import call_command

from ninhaoban.accounts import services
from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_persons_and_only_they_are_listed():
    outsider = services.register_person(
        id_number="11010519491231002X",
        name="路人甲",
        region=Region.objects.get(code="421223000000"),
    )
    out = StringIO()
    call_command("demo", "--persons", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("  ")]
    seeded = Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(pk=outsider.pk)
    assert len(lines) == seeded.count() == 24
    assert {line.split()[0] for line in lines} == set(seeded.values_list("identifier", flat=True))
    assert sum("password" in line for line in lines) == 20
    assert outsider.identifier not in out.getvalue()
