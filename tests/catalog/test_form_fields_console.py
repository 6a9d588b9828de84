"""字段库 in the console: a city-wide catalog admin adds and edits fields; what a published
version's form prints of a field is frozen (a new question is a new field); every save is a
ledger entry naming the changed attributes; bad input is a bilingual 4xx with nothing saved."""

import re

import pytest

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import FormField
from ninhaoban.ledger.models import LedgerEntry, LedgerSubject

pytestmark = pytest.mark.django_db

NEW = {
    "key": "fishing_boat",
    "label": "渔船编号",
    "label_en": "Fishing boat number",
    "kind": "text",
    "required": "1",
    "max_length": "20",
    "help": "如：鄂咸渔12345",
}


def entries(key: str) -> list[LedgerEntry]:
    ids = LedgerSubject.objects.filter(subject=f"form_field:{key}").values_list("entry_id")
    return list(LedgerEntry.objects.filter(pk__in=ids, kind="catalog.form_field_saved"))


def test_the_city_admin_adds_and_edits_a_field_with_a_ledger_entry(staff_client):
    client = staff_client("catalog")
    page = client.get("/console/catalog/fields/")
    assert page.status_code == 200 and "registered_capital" in page.content.decode()
    response = client.post("/console/catalog/fields/", NEW)
    assert response.status_code == 302 and response["Location"].endswith("/fields/fishing_boat/")
    row = FormField.objects.get(key="fishing_boat")
    assert (row.label, row.kind, row.max_length, row.required) == ("渔船编号", "text", 20, True)
    assert len(entries("fishing_boat")) == 1
    # not used by any published version: everything may change
    edited = {**NEW, "label": "渔船登记编号", "kind": "choice", "choices": "甲\n乙", "required": ""}
    assert client.post("/console/catalog/fields/fishing_boat/", edited).status_code == 302
    row.refresh_from_db()
    assert (row.label, row.kind, row.choices, row.required) == (
        "渔船登记编号",
        "choice",
        ["甲", "乙"],
        False,
    )
    assert len(entries("fishing_boat")) == 2
    # saved again unchanged: nothing to record
    client.post("/console/catalog/fields/fishing_boat/", edited)
    assert len(entries("fishing_boat")) == 2


def test_a_field_a_published_version_prints_keeps_its_check(staff_client):
    client = staff_client("catalog")
    uses = selectors.published_field_uses()
    assert uses.get("registered_capital", 0) >= 1
    row = FormField.objects.get(key="registered_capital")
    page = client.get("/console/catalog/fields/registered_capital/").content.decode()
    assert "已发布版本" in page
    values = {
        "label": row.label,
        "label_en": "Registered capital (in 10,000 yuan)",
        "kind": row.kind,
        "required": "1" if row.required else "",
        "max_length": str(row.max_length),
        "low": str(row.low),
        "high": str(row.high),
        "help": "认缴出资额，单位万元（人民币）",
        "prefill": row.prefill,
    }
    before = len(entries("registered_capital"))
    # wording may improve
    assert client.post("/console/catalog/fields/registered_capital/", values).status_code == 302
    row.refresh_from_db()
    assert row.label_en == "Registered capital (in 10,000 yuan)"
    assert len(entries("registered_capital")) == before + 1
    # the check may not
    response = client.post("/console/catalog/fields/registered_capital/", {**values, "high": "100"})
    text = response.content.decode()
    assert response.status_code == 409 and "已发布版本" in text
    row.refresh_from_db()
    assert row.high == 10_000_000 and len(entries("registered_capital")) == before + 1


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"key": "Bad Key"}, 422),
        ({"kind": "colour"}, 422),
        ({"kind": "choice", "choices": ""}, 422),
        ({"max_length": "abc"}, 422),
        ({"low": "10", "high": "1"}, 422),
        ({"prefill": "somewhere:else"}, 422),
        ({"key": "registered_capital"}, 422),  # exists: edited on its own page
    ],
)
def test_bad_input_is_refused_in_both_languages_with_nothing_saved(staff_client, changes, status):
    client = staff_client("catalog")
    count = FormField.objects.count()
    response = client.post("/console/catalog/fields/", {**NEW, **changes})
    assert response.status_code == status
    assert 'class="field-error"' in response.content.decode()
    assert FormField.objects.count() == count
    english = staff_client("catalog")
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = english.post("/console/catalog/fields/", {**NEW, **changes}).content.decode()
    error = re.search(r'class="field-error"[^>]*>([^<]*)<', page)
    assert 'lang="en"' in page and error and not re.search(r"[\u4e00-\u9fff]", error.group(1))


def test_only_a_city_wide_catalog_admin_edits_the_field_library(staff_client):
    county = staff_client("catalog.chongyang")
    assert county.get("/console/catalog/fields/").status_code == 200  # may read
    assert county.post("/console/catalog/fields/", NEW).status_code == 403
    assert staff_client("clerk.city").get("/console/catalog/fields/").status_code == 403
    assert not FormField.objects.filter(key="fishing_boat").exists()
    assert staff_client("catalog").get("/console/catalog/fields/nope/").status_code == 404
