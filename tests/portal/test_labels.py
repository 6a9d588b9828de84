"""The label rule (issue #20): every page type, PDF and export of the demo, in Chinese and in
English, shows no internal key and no text of the other language.

The keys are not written here: they are every model's choice values, the case actions, the
ledger kinds (of the label table and of the demo's ledger) and the licence schemas' field
keys. The other language's texts are the label table's and the catalogue's: in English no
Chinese label or catalogue text may stand alone in a cell, a button or a line; in Chinese no
English catalogue text may, and no line may read as English words.
"""

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from ninhaoban import labels
from ninhaoban.accounts.models import Applicant, Role, StaffRole
from ninhaoban.appointments import selectors as queue
from ninhaoban.appointments import services as queue_services
from ninhaoban.appointments.models import Ticket
from ninhaoban.cases.models import Case, Notice, Status
from ninhaoban.cases.results import NEW_ORGANIZATION_KEYS
from ninhaoban.catalog.models import Bundle, FormField, ServiceItem
from ninhaoban.demo import appointments as demo_appointments
from ninhaoban.demo import cases as demo_cases
from ninhaoban.demo import evaluation as demo_evaluation
from ninhaoban.demo import inspections as demo_inspections
from ninhaoban.demo import licences as demo_licences
from ninhaoban.demo import organizations as demo_organizations
from ninhaoban.demo import payments as demo_payments
from ninhaoban.evaluation.models import Rectification
from ninhaoban.exchange import services as exchange
from ninhaoban.exchange.models import SELF
from ninhaoban.inspections.models import Complaint, Plan
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.ledger.services import sequence
from ninhaoban.licences import services as licences
from ninhaoban.licences.models import Licence, LicenceType, ProofKind
from ninhaoban.licences.proofs import SPECS
from ninhaoban.licences.schema import schema
from ninhaoban.payments.models import OrderKind, OrderState, PaymentOrder
from ninhaoban.regions.models import Department, ServiceHall
from tests.exchange.conftest import _clean_exchange_state, sandbox, sources
from tests.kiosk.conftest import enrolled, sent_code
from tests.payments.conftest import _pay_settings, pay_var, paysandbox
from tests.portal.test_english import PO, read_po

pytestmark = pytest.mark.django_db
__all__ = ["_clean_exchange_state", "_pay_settings", "pay_var", "paysandbox", "sandbox", "sources"]

KIOSK = "CY-ZWZX-01"
# Latin words a Chinese page may show: names of things, not English sentences.
LATIN_ALLOWED = {"English", "PDF", "Ed25519", "QR", "API", "OpenAPI", "SHA-256", "ID"}
IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)*")


def internal_keys() -> set[str]:
    keys: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _ in getattr(field, "flatchoices", None) or []:
                keys.add(str(value))
    keys |= set(labels.GROUPS["ledger_kind"]) | set(labels.CASE_ACTIONS)
    keys |= set(LedgerEntry.objects.values_list("kind", flat=True))
    keys |= {f.key for kind in LicenceType.objects.all() for f in schema(kind)}
    keys |= set(NEW_ORGANIZATION_KEYS)
    return {k for k in keys if IDENTIFIER.fullmatch(k)}


def catalogue() -> list[tuple[str, str]]:
    """(Chinese, English) of every catalogue entry and of every label of the table."""
    pairs = []
    for entry in read_po(PO):
        if entry["msgid"] and "msgid_plural" not in entry:
            pairs.append((entry["msgid"], entry["msgstr"]))
    return pairs


class Texts(HTMLParser):
    """The text a person reads: text nodes and the titles, placeholders and labels of
    elements; not scripts, styles, code or signed notes (keys and hashes by design)."""

    SKIP = {"script", "style", "code", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in {"title", "placeholder", "aria-label", "alt"} and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def html_texts(page: str) -> list[str]:
    parser = Texts()
    parser.feed(page)
    return parser.texts


def pdf_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def parts(text: str) -> Iterator[str]:
    """A text's lines and the pieces between separators, each as shown."""
    for piece in re.split(r"[\n·|/→：:（）()，,；;、]+", text):
        piece = piece.strip(" \t*?!.。")
        if piece:
            yield piece


def data_pieces() -> set[str]:
    """Pieces of what people entered (step names, bundle descriptions): data, shown as
    entered in either language, even where a piece reads like a label."""
    from ninhaoban.cases.models import CaseStep
    from ninhaoban.catalog.models import ProcessStep, ProofRequirement

    texts = [*CaseStep.objects.values_list("name", flat=True)]
    texts += ProcessStep.objects.values_list("name", flat=True)
    texts += Bundle.objects.values_list("description", flat=True)
    texts += ProofRequirement.objects.values_list("name", flat=True)
    return {piece for text in texts for piece in parts(text)}


def problems(texts: list[str], language: str, keys: set[str], pairs) -> list[str]:
    chinese = {zh for zh, _ in pairs} - data_pieces()
    english = {en for _, en in pairs if len(en) > 3}
    found = []
    for text in texts:
        text = re.sub(r"https?://\S+", " ", text)  # an address is in no language
        for word in re.findall(r"[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*", text):
            if word in keys and (language == "zh-hans" or re.search(r"[._]", word)):
                found.append(f"key {word!r} in {text.strip()[:80]!r}")
        for piece in parts(text):
            if language == "en" and piece in chinese:
                found.append(f"Chinese label {piece!r} in {text.strip()[:80]!r}")
            if language == "zh-hans":
                if piece in english:
                    found.append(f"English text {piece!r} in {text.strip()[:80]!r}")
                words = re.findall(r"[A-Za-z]{3,}", piece)
                sentence = re.fullmatch(r"[A-Za-z][A-Za-z0-9'’-]*(?: [A-Za-z0-9'’-]+)+", piece)
                if sentence and len(words) >= 2 and not set(words) <= LATIN_ALLOWED:
                    found.append(f"English words {piece!r}")
    return found


def export_texts(response) -> list[str]:
    body = response.content
    kind = response["Content-Type"]
    if "json" in kind:
        return [json.dumps(json.loads(body), ensure_ascii=False)]
    if "csv" in kind:
        return [" | ".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))]
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [
        " | ".join(str(c) for c in row if c is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def world(sources) -> dict:
    """The demo beyond the session's world: licences, cases in every status, a proof, a
    sequenced ledger."""
    demo_licences.seed_catalog_rights()
    demo_licences.seed_licences()
    demo_cases.seed()
    demo_inspections.seed()
    demo_evaluation.seed()
    demo_appointments.seed()
    demo_payments.seed()
    approving = StaffRole.objects.filter(role=Role.APPROVER).values("department")
    person = (
        Applicant.objects.filter(cases__status=Status.CLOSED, licences__issuer__in=approving)
        .distinct()
        .first()
    )
    exchange.grant_consent(
        applicant=person,
        data_keys=[SPECS[ProofKind.HOUSEHOLD].data_key],
        channel="kiosk",
        kiosk_session="labels-1",
    )
    proof = licences.issue_proof(
        applicant=person,
        kind=ProofKind.HOUSEHOLD,
        purpose="办理入学",
        actor=person.subject,
        role=SELF,
        kiosk_session="labels-1",
    )
    demo_organizations.seed(agent=person)
    sequence()
    closed = person.cases.filter(status=Status.CLOSED).first()
    decided = Case.objects.filter(status=Status.DECIDED, parent__isnull=True).first()
    correction = Notice.objects.select_related("case").first()
    licence = (
        Licence.objects.filter(case_ref=closed.case_no).first()
        or person.licences.filter(issuer__in=approving).first()
    )
    hall = queue.queue_halls()[0]
    item = queue.bookable_items(hall)[0].item
    day = queue.booking_days(hall, queue.local_day(queue.now()))[1]
    booking = queue_services.book(
        applicant=person, place=hall, item=item, day=day, start=dt.time(14, 0)
    )
    return {
        "booking": booking,
        "person": person,
        "case": closed,
        "decided": decided,
        "notice": correction,
        "licence": licence,
        "proof": proof,
    }


def pages(w: dict) -> dict[str, list[str]]:
    """Who sees which pages: "public", "applicant", "clerk", "approver", "admin"."""
    item = ServiceItem.objects.filter(base__name="食品经营许可", region_id="421223000000").first()
    bundle = Bundle.objects.first()
    case_no, licence = w["case"].case_no, w["licence"].identifier
    plan = Plan.objects.filter(status="drawn", region_id="421223000000").first()
    county = {"region_id": "421223000000"}
    complaints = Complaint.objects.filter(project__region_id="421223000000")
    return {
        "public": [
            "/",
            "/catalog/",
            f"/catalog/items/{item.code}/",
            f"/catalog/items/{item.code}/guide.pdf",
            "/catalog/bundles/",
            f"/catalog/bundles/{bundle.code}/",
            f"/catalog/bundles/{bundle.code}/guide.pdf",
            "/search/?q=开饭店",
            "/search/?q=低保&region=421223100200",  # 就近办理 from the 进驻 register
            f"/catalog/items/{item.code}/?region=421223100200",
            f"/ledger/?q={case_no}",
            f"/ledger/?q={licence}",
            f"/verify/licences/{licence}/",
            f"/verify/proofs/{w['proof'].number}/",
            "/kiosk/search/",
            "/register/",
            "/inspections/",
            f"/inspections/plans/{plan.code}/",
            f"/inspections/plans/{plan.code}/verify/",
            "/open-data/",
            "/evaluation/",
            *[
                f"/verify/receipts/{o.receipt.number}/"
                for o in PaymentOrder.objects.filter(state__in=["paid", "refunded"])[:2]
            ],
        ],
        "applicant": [
            "/cases/",
            f"/cases/{case_no}/",
            f"/cases/{case_no}/receipt.pdf",
            "/my/licences/",
            f"/my/licences/{licence}/",
            f"/my/licences/{licence}/pdf",
            "/my/proofs/",
            f"/my/proofs/{w['proof'].number}/pdf",
            "/my/queries/",
            "/organizations/",
            "/commissions/",
            "/complaints/",
            f"/apply/?item={item.code}",
            "/apply/?bundle=qiye-kaiban",  # the one form: prefill sources, model texts
            f"/cases/{case_no}/rate/",
            "/appointments/",
            f"/appointments/{w['booking'].pk}/",
            "/appointments/new/?hall={}&item={}&day={}".format(
                w["booking"].hall_id, w["booking"].item.code, w["booking"].day.isoformat()
            ),
        ],
        "clerk.chongyang": [
            "/console/",
            "/console/cases/",
            "/console/cases/new/",
            "/console/register/",
            "/console/evaluation/windows/",
            "/console/evaluation/entry/",
            "/console/queue/",
            *[f"/console/queue/{w.pk}/" for w, _ in queue.windows_for(clerk_chongyang())[:1]],
            "/console/daiban/counts/",
            "/console/payments/",
        ],
        # 帮办代办: a village station's helper
        "clerk.shuanggang": ["/console/daiban/"],
        # 缴费 over the whole city: the orders, one refunded, and the 对账
        "admin": [
            "/console/payments/",
            *[
                f"/console/payments/{o.order_no}/"
                for o in (
                    PaymentOrder.objects.filter(state=OrderState.REFUNDED).first(),
                    PaymentOrder.objects.filter(kind=OrderKind.SOCIAL_INSURANCE).first(),
                )
            ],
            "/console/payments/reconciliations/",
        ],
        # 好差评: the supervisor's figures, rectifications (one in the middle of its steps),
        # appeals and the survey upload
        "supervisor.chongyang": [
            "/console/evaluation/",
            "/console/evaluation/rectifications/",
            *[
                f"/console/evaluation/rectifications/{pk}/"
                for pk in Rectification.objects.filter(
                    region__code__startswith="421223", state="verified"
                ).values_list("pk", flat=True)[:1]
            ],
            "/console/evaluation/appeals/",
            "/console/evaluation/survey/",
            "/console/supervision/",
            "/console/supervision/board/",
            "/console/supervision/cases/",
            "/console/supervision/screen/",
            "/console/supervision/export.xlsx",
        ],
        "catalog.chongyang": [
            "/console/catalog/",
            f"/console/catalog/items/{item.code}/",
            "/console/catalog/audit/",
            "/console/catalog/stats/",
            "/console/catalog/transfer/",
            "/console/catalog/export.xlsx",
            "/console/catalog/halls/",
            "/console/catalog/fields/",
            *[f"/console/catalog/fields/{f.key}/" for f in FormField.objects.order_by("pk")[:1]],
            *[
                f"/console/catalog/halls/{pk}/"
                for pk in ServiceHall.objects.filter(
                    region_id__in=["421223000000", "421223100000", "421223100200"]
                ).values_list("pk", flat=True)
            ],
        ],
        "chief.chongyang.market": [
            "/console/inspections/",
            f"/console/inspections/plans/{plan.code}/",
            *[
                f"/console/inspections/plans/{p.code}/"
                for p in Plan.objects.filter(**county).exclude(status="drawn")
            ],
            "/console/complaints/",
            *[f"/console/complaints/{c.number}/" for c in complaints],
            "/console/inspections/registers/",
            "/console/tenders/",
        ],
    }


def clerk_chongyang() -> User:
    return User.objects.get(username="clerk.chongyang")


def approver_of(department: Department) -> User:
    grant = StaffRole.objects.filter(role=Role.APPROVER, department=department).first()
    return grant.staff.user


def read(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    kind = response["Content-Type"]
    if "pdf" in kind:
        return pdf_texts(response.content)
    if "html" in kind:
        return html_texts(response.content.decode())
    return export_texts(response)


def clients(w: dict) -> Iterator[tuple[str, Client, list[str]]]:
    """(who, a client of theirs, the pages they open) for every audience."""
    for who, urls in pages(w).items():
        client = Client()
        if who == "applicant":
            client.force_login(w["person"].user)
        elif who != "public":
            client.force_login(User.objects.get(username=who))
        yield who, client, urls
    for case in (w["decided"], w["notice"].case):
        client = Client()
        client.force_login(approver_of(case.department))
        yield "approver", client, [f"/console/cases/{case.case_no}/"]
    client = Client()
    client.force_login(approver_of(w["licence"].issuer))
    yield "approver", client, [f"/console/licences/?q={w['licence'].identifier}"]
    refunded = PaymentOrder.objects.filter(state=OrderState.REFUNDED).first()
    paying = PaymentOrder.objects.filter(state=OrderState.PAYING).first()
    pension = PaymentOrder.objects.filter(kind=OrderKind.SOCIAL_INSURANCE).first()
    for order, opened in ((refunded, ["", "receipt.pdf"]), (paying, [""]), (pension, [""])):
        client = Client()
        client.force_login(order.payer.user)
        urls = ["/pay/", "/pay/utility/", "/pay/pension/", "/my/payments/"]
        yield "payer", client, [*urls, *[f"/my/payments/{order.order_no}/{p}" for p in opened]]
    kiosk = enrolled(KIOSK)
    base = f"/kiosk/{KIOSK}/"
    ticket = Ticket.objects.filter(hall__region_id="421223000000").order_by("-pk").first()
    yield (
        "kiosk",
        kiosk,
        [
            base,
            f"{base}identify/",
            f"{base}register/",
            f"{base}queue/",
            f"{base}queue/{ticket.pk}/",
            f"{base}screen/",
        ],
    )
    person = w["person"]
    kiosk.post(f"{base}identify/", {"action": "begin", "id_number": person.identifier})
    kiosk.post(f"{base}identify/", {"action": "finish", "code": sent_code(person.phone)})
    case_no = w["case"].case_no
    yield (
        "kiosk",
        kiosk,
        [
            f"{base}{u}"
            for u in (
                "cases/",
                f"cases/{case_no}/",
                "proofs/",
                "apply/",
                "rate/",
                "pay/",
                "pay/utility/",
                "pay/pension/",
                "organizations/",
            )
        ],
    )
    bookable = queue.bookable_items(Kiosk.objects.get(code=KIOSK).hall)[0].item.code
    yield (
        "kiosk",
        kiosk,
        [f"{base}book/", f"{base}book/?item={bookable}", f"{base}book/{w['booking'].pk}/"],
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_key_and_no_other_language_on_any_page_pdf_or_export(world, language):
    keys, pairs = internal_keys(), catalogue()
    assert {"case.submit", "licence.issued", "in_review", "clerk", "organization_name"} <= keys
    found: list[str] = []
    read_count = 0
    for who, client, urls in clients(world):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        for url in urls:
            texts = read(client, url)
            read_count += 1
            # documents of record and the catalog workbook admins edit and import again are
            # Chinese whatever the page language; a report is in the reader's language
            chinese = url.endswith("pdf") or url.startswith("/console/catalog/export")
            checked = "zh-hans" if chinese else language
            found += [f"{url} [{who}]: {p}" for p in problems(texts, checked, keys, pairs)]
    translation.deactivate()
    assert read_count >= 40
    assert not found, "\n".join(dict.fromkeys(found))
