"""Every page type in Chromium at a desktop width and at a phone's (390 x 844): axe-core
finds no WCAG 2.1 A/AA violation, and at 390 px nothing scrolls sideways.

axe-core is vendored under tests/e2e/vendor (MPL-2.0, licence beside it) and injected into
each page by the test only; the context bypasses the CSP for that injection alone."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.appointments import selectors as queue_selectors
from ninhaoban.appointments import services as queue_services
from ninhaoban.catalog.models import Bundle, ServiceItem
from ninhaoban.kiosk import services as kiosks
from ninhaoban.kiosk.devices import SIMULATOR
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.selectors import kiosk_items
from ninhaoban.kiosk.views import DEVICE_COOKIE
from ninhaoban.payments.models import PaymentOrder, Receipt
from ninhaoban.regions.models import ServiceHall
from tests.cases.conftest import CHONGYANG, GETIHU, window_case
from tests.kiosk.conftest import sent_code

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "Xianning-2026"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
STAFF = (
    "catalog.chongyang",
    "admin",
    "supervisor.chongyang",
    "chief.chongyang.market",
    "clerk.shuanggang",
)


def _violations(tab) -> list[str]:
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))",
        WCAG,
    )
    return found


def _overflow(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _sign_in(tab, url: str, fields: dict[str, str]) -> None:
    tab.goto(url)
    for selector, value in fields.items():
        tab.fill(selector, value)
    tab.locator("main form button[type=submit], main form button:not([type])").first.click()
    tab.wait_for_load_state()


def _world() -> dict[str, object]:
    case = window_case()
    item = ServiceItem.objects.get(base__name=GETIHU, region_id=CHONGYANG)
    kiosk = Kiosk.objects.filter(active=True).order_by("pk").first()
    one_time, _ = kiosks.issue_enrolment_code(kiosk, actor="test")
    return {
        "case": case,
        "item": item,
        "bundle": Bundle.objects.order_by("pk").first(),
        "kiosk": kiosk,
        "device": kiosks.enrol(kiosk, one_time),
    }


def _pages(world: dict) -> dict[str, list[str]]:
    case, item, bundle, kiosk = world["case"], world["item"], world["bundle"], world["kiosk"]
    return {
        "anonymous": [
            "/",
            "/search/?q=gjj",
            "/catalog/",
            f"/catalog/items/{item.code}/",
            "/catalog/bundles/",
            f"/catalog/bundles/{bundle.code}/",
            "/progress/",
            f"/ledger/?q={case.case_no}",
            "/login/",
            "/console/login/",
            "/figures/",
            "/kiosk/search/?q=gjj",
            f"/kiosk/{kiosk.code}/",
            f"/kiosk/{kiosk.code}/search/?q=gjj",
            f"/kiosk/{kiosk.code}/progress/",
            "/register/",
            f"/kiosk/{kiosk.code}/register/",
            f"/kiosk/{kiosk.code}/queue/",
            f"/kiosk/{kiosk.code}/screen/",
            "/evaluation/",
            "/open-data/",
            "/inspections/",
        ],
        "applicant": [
            "/cases/",
            f"/cases/{case.case_no}/",
            f"/apply/?item={item.code}",
            "/my/licences/",
            "/my/notices/",
            "/pay/",
            "/pay/utility/",
            "/my/payments/",
            "/organizations/",
            "/appointments/",
            "/appointments/new/",
            "/commissions/",
        ],
        "clerk": [
            "/console/",
            "/console/cases/",
            "/console/cases/?queue=intake",
            f"/console/cases/{case.case_no}/",
            "/console/cases/new/",
            "/console/register/",
            "/console/queue/",
            "/console/video/",
        ],
        "catalog.chongyang": [
            "/console/catalog/",
            f"/console/catalog/items/{item.code}/",
            "/console/catalog/audit/",
            "/console/catalog/stats/",
            "/console/catalog/transfer/",
            "/console/catalog/halls/",
            "/console/catalog/fields/",
        ],
        "admin": [
            "/console/calendar/",
            "/console/kiosks/",
            "/console/licences/",
            "/console/payments/",
            "/console/payments/reconciliations/",
        ],
        "clerk.shuanggang": ["/console/daiban/", "/console/daiban/counts/"],
        "supervisor.chongyang": [
            "/console/evaluation/",
            "/console/evaluation/appeals/",
            "/console/evaluation/survey/",
            "/console/evaluation/entry/",
        ],
        "chief.chongyang.market": [
            "/console/inspections/",
            "/console/complaints/",
            "/console/inspections/registers/",
            "/console/tenders/",
        ],
        "kiosk user": [
            f"/kiosk/{kiosk.code}/cases/",
            f"/kiosk/{kiosk.code}/cases/{case.case_no}/",
            f"/kiosk/{kiosk.code}/proofs/",
            f"/kiosk/{kiosk.code}/apply/",
            f"/kiosk/{kiosk.code}/apply/{kiosk_items(kiosk)[0].item.code}/",
            f"/kiosk/{kiosk.code}/region/",
            f"/kiosk/{kiosk.code}/region/?county={CHONGYANG}",
            f"/kiosk/{kiosk.code}/video/",
            f"/kiosk/{kiosk.code}/bundles/",
            f"/kiosk/{kiosk.code}/bundles/{bundle.code}/",
            f"/kiosk/{kiosk.code}/pay/",
            f"/kiosk/{kiosk.code}/pay/utility/",
            f"/kiosk/{kiosk.code}/organizations/",
            f"/kiosk/{kiosk.code}/book/",
        ],
    }


def _tab(chromium, live_server, viewport: dict, world: dict, who: str):
    context = chromium.new_context(
        locale="zh-CN", base_url=live_server.url, viewport=viewport, bypass_csp=True
    )
    context.add_cookies([{"name": DEVICE_COOKIE, "value": world["device"], "url": live_server.url}])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    case = world["case"]
    if who == "applicant":
        _sign_in(tab, "/login/", {"#identifier": case.applicant.identifier, "#password": PASSWORD})
    elif who == "clerk":
        _sign_in(tab, "/console/login/", {"#username": "clerk.chongyang", "#password": PASSWORD})
    elif who in STAFF:
        _sign_in(tab, "/console/login/", {"#username": who, "#password": PASSWORD})
    elif who == "kiosk user":
        _identify_at(tab, world["kiosk"].code, case.applicant)
    elif who == "payer":
        _sign_in(tab, "/login/", {"#identifier": world["payer"].identifier, "#password": PASSWORD})
    return context, tab


def _identify_at(tab, code: str, applicant) -> None:
    """Identified at the terminal as the world's applicant (ID number, then the SMS code)."""
    tab.goto(f"/kiosk/{code}/identify/")
    tab.fill("input[name=id_number]", applicant.identifier)
    tab.locator("main form button[type=submit]").first.click()
    tab.wait_for_load_state()
    tab.fill("input[name=code]", sent_code(applicant.phone))
    tab.locator("main form button[type=submit]").first.click()
    tab.wait_for_load_state()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_page_type_passes_axe_and_fits(chromium, live_server, transactional_db, viewport):
    from tests.conftest import seed_world

    seed_world()
    world = _world()
    problems: list[str] = []
    for who, urls in _pages(world).items():
        context, tab = _tab(chromium, live_server, viewport, world, who)
        try:
            for url in urls:
                problems += _checked(tab, who, url, viewport)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)


def _checked(tab, who: str, url: str, viewport: dict) -> list[str]:
    """What axe finds on the page at `url`, and its overflow at a phone's width."""
    response = tab.goto(url)
    assert response is not None and response.status < 400, (who, url)
    return _found_here(tab, url, viewport)


def _found_here(tab, label: str, viewport: dict) -> list[str]:
    problems = [f"{label}: {v}" for v in _violations(tab)]
    if viewport is PHONE and _overflow(tab) > 0:
        problems.append(f"{label}: {_overflow(tab)} px wider than the screen")
    return problems


def _world_behind_a_payment_and_a_ticket() -> dict[str, object]:
    """The layout world plus what some pages need before they exist: the demo's paid, refunded
    and waiting orders (paid through an in-process paysandbox), a number taken at the world's
    terminal, and the terminal's identity devices (the simulator) with a card on its reader."""
    from ninhaoban.demo import payments as demo_payments

    world = _world()
    kiosk = world["kiosk"]
    demo_payments.seed()
    receipt = Receipt.objects.select_related("order__payer").order_by("pk").first()
    if not queue_selectors.lines(kiosk.hall):
        queue_services.open_queue(kiosk.hall, actor="test")
    line = queue_selectors.lines(kiosk.hall)[0]
    monday_nine = timezone.make_aware(dt.datetime(2026, 12, 7, 9))
    kiosks.set_identity_devices(kiosk, "simulator", actor="test")
    return {
        **world,
        "receipt": receipt,
        "payer": receipt.order.payer,
        "orders": PaymentOrder.objects.filter(payer=receipt.order.payer).order_by("pk"),
        "ticket": queue_services.take_ticket(line, actor="test", now=monday_nine),
        "hall": ServiceHall.objects.filter(region_id=CHONGYANG).order_by("pk").first(),
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_pages_behind_a_payment_a_ticket_and_the_identity_devices(
    chromium, live_server, transactional_db, viewport
):
    """电子票据 verification, an order's page in each state the demo leaves (paid, refunded,
    waiting), a printed ticket, a hall's 进驻 register, and each step of the terminal's
    card → face → finger → signature identification: axe finds nothing, nothing too wide."""
    from tests.conftest import seed_world

    seed_world()
    world = _world_behind_a_payment_and_a_ticket()
    kiosk = world["kiosk"]
    pages = {
        "anonymous": [
            f"/verify/receipts/{world['receipt'].number}/",
            f"/kiosk/{kiosk.code}/queue/{world['ticket'].pk}/",
        ],
        "payer": [f"/my/payments/{order.order_no}/" for order in world["orders"]],
        "catalog.chongyang": [f"/console/catalog/halls/{world['hall'].pk}/"],
    }
    assert {"paid", "created"} <= {order.state for order in world["orders"]}
    problems: list[str] = []
    for who, urls in pages.items():
        context, tab = _tab(chromium, live_server, viewport, world, who)
        try:
            for url in urls:
                problems += _checked(tab, who, url, viewport)
        finally:
            context.close()
    person = world["case"].applicant
    SIMULATOR.place_card(kiosk.code, person.identifier)
    SIMULATOR.stand(kiosk.code, person.identifier)
    context, tab = _tab(chromium, live_server, viewport, world, "anonymous")
    try:
        problems += _checked(tab, "anonymous", f"/kiosk/{kiosk.code}/identify/card/", viewport)
        steps = (("读取身份证", "face"), ("开始人脸比对", "finger"), ("采集指纹", "sign"))
        for button, step in steps:
            tab.get_by_role("button", name=button).click()
            tab.wait_for_load_state()
            problems += _found_here(tab, f"identify/card ({step})", viewport)
        assert tab.locator("#signature-pad").is_visible()
    finally:
        SIMULATOR.place_card(kiosk.code, None)
        SIMULATOR.stand(kiosk.code, None)
        context.close()
    assert problems == [], "\n".join(problems)


def test_phone_menu_opens_and_closes(chromium, live_server, transactional_db):
    from tests.conftest import seed_world

    seed_world()
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE)
    tab = context.new_page()
    tab.goto("/")
    button = tab.get_by_role("button", name="菜单")
    menu = tab.locator("#site-menu")
    assert button.is_visible() and not menu.is_visible()
    header = tab.locator("header.site").bounding_box()
    assert header is not None and header["height"] < 844 / 4
    button.click()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    tab.get_by_role("link", name="一件事", exact=True).click()
    tab.wait_for_url("**/catalog/bundles/")
    context.close()
    assert Applicant.objects.filter(kind=ApplicantKind.PERSON).exists()


PORTRAIT = {"width": 1080, "height": 1920}
# 长辈模式's touch targets at the terminal (care.css: 88 px; the floor checked here is the
# MIIT 适老化 rule's 60 px)
TOUCH_PX = 60


def _enhanced_contrast(tab) -> list[str]:
    """axe's WCAG AAA contrast rule (7:1), the higher level of GB/T 37668 that 长辈模式 keeps."""
    return tab.evaluate(
        "axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast-enhanced']}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))"
    )


def _small_targets(tab) -> list[str]:
    """Visible buttons, button links and fields lower than TOUCH_PX (checkboxes aside)."""
    return tab.evaluate(
        """px => Array.from(document.querySelectorAll(
             'main button, main .button, main select, header button, main input:not(' +
             '[type=hidden]):not([type=checkbox]):not([type=radio])'))
           .filter(e => e.offsetParent !== null)
           .filter(e => e.getBoundingClientRect().height < px)
           .map(e => (e.id || e.name || e.textContent.trim().slice(0, 12)) + ' ' +
                     Math.round(e.getBoundingClientRect().height) + 'px')""",
        TOUCH_PX,
    )


def test_care_mode_passes_axe_with_enhanced_contrast_and_fits_a_portrait_terminal(
    chromium, live_server, transactional_db
):
    """长辈模式 on the website and every kiosk page of the walk, at a 1080×1920 terminal:
    axe finds nothing (AA and the 7:1 contrast), nothing scrolls sideways, and at the
    terminal every button and field is a finger's size."""
    from tests.conftest import seed_world

    seed_world()
    world = _world()
    pages = _pages(world)
    problems: list[str] = []
    for who in ("anonymous", "applicant", "kiosk user"):
        context, tab = _tab(chromium, live_server, PORTRAIT, world, who)
        context.add_cookies([{"name": "nhb_care", "value": "1", "url": live_server.url}])
        try:
            for url in pages[who]:
                response = tab.goto(url)
                assert response is not None and response.status < 400, (who, url)
                assert tab.evaluate("document.documentElement.classList.contains('care')"), url
                problems += [f"{url}: {v}" for v in _violations(tab) + _enhanced_contrast(tab)]
                if _overflow(tab) > 0:
                    problems.append(f"{url}: {_overflow(tab)} px wider than the screen")
                if url.startswith("/kiosk/"):
                    problems += [f"{url}: small target {t}" for t in _small_targets(tab)]
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
