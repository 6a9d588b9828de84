"""Every change to staff and applicants goes through these functions."""

import datetime as dt
import hashlib
import hmac
import io
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from ninhaoban.accounts.models import (
    Applicant,
    ApplicantKind,
    AssuranceLevel,
    LoginCode,
    LoginCodeEvent,
    Mandate,
    MandateKind,
    Role,
    Staff,
    StaffRole,
    subject_digest,
)
from ninhaoban.accounts.notify import notify
from ninhaoban.accounts.selectors import helper_station
from ninhaoban.accounts.signals import acting_as
from ninhaoban.accounts.sources import Source, digest
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyTries
from ninhaoban.core.idnumbers import mask_phone, parse_id_number, parse_uscc
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import Department, Region
from ninhaoban.regions.selectors import city_region, region_by_code

LOGIN_CODE_MINUTES = 5
LOGIN_CODE_ATTEMPTS = 5


def _check_phone(phone: str) -> str:
    p = (phone or "").strip()
    if p and not (len(p) == 11 and p.isdigit() and p.startswith("1")):
        raise InvalidInput(
            "手机号码应为以1开头的11位数字",
            "a mobile number is 11 digits starting with 1",
            field="phone",
        )
    return p


check_phone = _check_phone  # the same rule for the registration form in exchange


@transaction.atomic
def register_person(
    *,
    id_number: str,
    name: str,
    region: Region,
    phone: str = "",
    email: str = "",
    assurance: int = AssuranceLevel.NONE,
    actor: str = "system",
) -> Applicant:
    parsed = parse_id_number(id_number)
    if not name.strip():
        raise InvalidInput("姓名不能为空", "the name is required", field="name")
    _require_new(parsed.number, field="id_number")
    person = Applicant.objects.create(
        kind=ApplicantKind.PERSON,
        identifier=parsed.number,
        name=name.strip(),
        phone=_check_phone(phone),
        email=email,
        region=region,
        assurance=assurance,
    )
    record("applicant.registered", person.subject, actor, {"id": person.pk, "kind": person.kind})
    return person


def _require_new(identifier: str, *, field: str) -> None:
    """One applicant per number: asked on the normalized number (a lower-case x or spaces
    are the same number), so a second registration is a 409, not an integrity error."""
    if Applicant.objects.filter(identifier=identifier).exists():
        raise Conflict(
            "该证件号码已登记，请直接查找该申请人",
            "this number is already registered: look the applicant up instead",
            field=field,
        )


@transaction.atomic
def register_organization(
    *,
    uscc: str,
    name: str,
    region: Region,
    legal_representative: str = "",
    phone: str = "",
    email: str = "",
    actor: str = "system",
) -> Applicant:
    parsed = parse_uscc(uscc)
    if not name.strip():
        raise InvalidInput("名称不能为空", "the name is required", field="name")
    _require_new(parsed.code, field="uscc")
    org = Applicant.objects.create(
        kind=ApplicantKind.ORGANIZATION,
        identifier=parsed.code,
        name=name.strip(),
        legal_representative=legal_representative,
        phone=_check_phone(phone),
        email=email,
        region=region,
        assurance=AssuranceLevel.BASIC,
    )
    record("applicant.registered", org.subject, actor, {"id": org.pk, "kind": org.kind})
    return org


def check_password_policy(password: str, user: User) -> None:
    """AUTH_PASSWORD_VALIDATORS (length 12, not a common password, not all digits, not like
    or containing the user name) as a domain error."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "密码不符合要求：" + "；".join(str(m) for m in exc.messages),
            "the password does not meet the policy: " + "; ".join(exc.messages),
            field="password",
        ) from None


@transaction.atomic
def create_staff(
    *, username: str, name: str, password: str, phone: str = "", is_superuser: bool = False
) -> Staff:
    check_password_policy(password, User(username=username))
    user = User.objects.create_user(username=username, password=password)
    if is_superuser:
        user.is_superuser = True
    user.is_staff = True
    user.save()
    staff = Staff.objects.create(user=user, name=name, phone=_check_phone(phone))
    record("staff.created", f"staff:{staff.pk}", "system", {"username": username})
    return staff


@transaction.atomic
def set_staff_password(staff: Staff, password: str, *, actor: str) -> None:
    """The ledger entry (staff.password_changed) is written by the save itself
    (accounts.signals), so the admin's and `changepassword`'s changes are recorded too."""
    check_password_policy(password, staff.user)
    with acting_as(actor):
        staff.user.set_password(password)
        staff.user.save(update_fields=["password"])


@transaction.atomic
def grant_role(
    staff: Staff,
    role: str,
    region: Region,
    department: Department | None = None,
    actor: str = "system",
) -> StaffRole:
    if role not in Role.values:
        raise InvalidInput(f"未知角色：{role}", f"unknown role: {role}", field="role")
    if department is not None and not region.code.startswith(department.region.prefix):
        raise InvalidInput(
            "部门不在该区划范围内", "the department is outside that region", field="department"
        )
    with acting_as(actor):  # a new grant is recorded by its save (accounts.signals)
        grant, _ = StaffRole.objects.get_or_create(
            staff=staff, role=role, region=region, department=department
        )
    return grant


def _code_hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _login_target(kind: str, value: str) -> str:
    return digest(f"{kind}:{value}")


def _refuse(target: str, source: Source, zh: str, en: str) -> None:
    LoginCodeEvent.objects.create(
        kind=LoginCodeEvent.Kind.REFUSED, target=target, ip=source.ip, device=source.device
    )
    raise TooManyTries(zh, en)


def _check_code_limits(target: str, source: Source) -> None:
    """Codes sent in the last 24 hours, counted per number (registered or not), per address
    and per browser, or per terminal for a kiosk (everyone in a hall shares its address)."""
    now = timezone.now()
    sent = LoginCodeEvent.objects.filter(
        kind=LoginCodeEvent.Kind.SENT, created_at__gt=now - dt.timedelta(days=1)
    )
    if sent.filter(target=target, created_at__gt=now - dt.timedelta(seconds=60)).exists():
        _refuse(
            target,
            source,
            "验证码发送过于频繁，请一分钟后再试",
            "wait a minute before asking again",
        )
    if sent.filter(target=target).count() >= settings.NHB_SMS_PER_PHONE_DAY:
        _refuse(
            target,
            source,
            "该号码今天获取验证码的次数已达上限，请明天再试或到窗口办理",
            "this number has had as many codes as it may today: try tomorrow or at a window",
        )
    limits = (
        [("device", settings.NHB_SMS_PER_TERMINAL_DAY)]
        if source.terminal
        else [("ip", settings.NHB_SMS_PER_IP_DAY), ("device", settings.NHB_SMS_PER_DEVICE_DAY)]
    )
    for field, limit in limits:
        value = getattr(source, field)
        if value and sent.filter(**{field: value}).count() >= limit:
            _refuse(
                target,
                source,
                "本设备今天获取验证码的次数已达上限，请明天再试或到窗口办理",
                "this device has asked for as many codes as it may today: "
                "try tomorrow or at a window",
            )


def request_login_code(*, target: str, phone: str, source: Source, purpose: str = "登录") -> None:
    """The one path of every SMS login code. The limits and the answer are the same whether
    or not `phone` is known (empty: the number asked for is not registered); only a known
    phone is actually sent a code."""
    _check_code_limits(target, source)
    LoginCodeEvent.objects.create(
        kind=LoginCodeEvent.Kind.SENT, target=target, ip=source.ip, device=source.device
    )
    if not phone:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    LoginCode.objects.create(
        phone=phone,
        code_hash=_code_hash(phone, code),
        expires_at=timezone.now() + dt.timedelta(minutes=LOGIN_CODE_MINUTES),
    )
    notify(
        phone=phone,
        subject=f"{purpose}验证码",
        text=f"【您好办】您的{purpose}验证码为{code}，5分钟内有效。",
        secret=code,
    )


def send_login_code(phone: str, source: Source) -> None:
    """The website's: a code to a registered applicant's phone, the same answer for any
    other number, so the form cannot be used to probe who is registered."""
    phone = _check_phone(phone)
    if not phone:
        raise InvalidInput("请输入手机号码", "enter a mobile number", field="phone")
    registered = Applicant.objects.filter(phone=phone).exists()
    request_login_code(
        target=_login_target("phone", phone), phone=phone if registered else "", source=source
    )


def login_code_target(id_number: str) -> str:
    """The kiosk asks by ID number: its limits are that number's."""
    return _login_target("id", id_number)


def captcha_needed(source: Source) -> bool:
    """A source (address or browser) that has been refused or typed a wrong code a few
    times in the last day proves it is a person before anything else; a terminal does not
    (the person is standing at it, and it is shared by the hall)."""
    if source.terminal:
        return False
    failed = Q(ip=source.ip) | (Q(device=source.device) if source.device else Q(pk__in=[]))
    count = LoginCodeEvent.objects.filter(
        failed,
        kind__in=[LoginCodeEvent.Kind.REFUSED, LoginCodeEvent.Kind.WRONG],
        created_at__gt=timezone.now() - dt.timedelta(days=1),
    ).count()
    return count >= settings.NHB_CAPTCHA_AFTER


def check_login_code(phone: str, code: str, source: Source, *, target: str = "") -> None:
    """Use up the newest unused code sent to `phone` if `code` is it; too many wrong tries
    burn it. The wrong try is counted in its own transaction before the error is raised, so
    the count survives the error (raising inside the same atomic block would undo it)."""
    phone = _check_phone(phone)
    with transaction.atomic():
        row = (
            LoginCode.objects.select_for_update()
            .filter(phone=phone, used=False, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
            if phone
            else None
        )
        matched = False
        if row is not None and row.attempts < LOGIN_CODE_ATTEMPTS:
            matched = hmac.compare_digest(row.code_hash, _code_hash(phone, (code or "").strip()))
            if matched:
                row.used = True
                row.save(update_fields=["used"])
            else:
                row.attempts += 1
                row.save(update_fields=["attempts"])
    if not matched:
        LoginCodeEvent.objects.create(
            kind=LoginCodeEvent.Kind.WRONG,
            target=target or _login_target("phone", phone),
            ip=source.ip,
            device=source.device,
        )
        raise Forbidden("验证码错误或已过期", "the code is wrong or has expired")


def login_with_code(phone: str, code: str, source: Source) -> Applicant:
    """The website's SMS login: the code, then the first applicant with that phone."""
    check_login_code(phone, code, source)
    phone = _check_phone(phone)
    with transaction.atomic():
        applicant = Applicant.objects.filter(phone=phone).order_by("pk").first()
        if applicant is None:
            raise Forbidden("验证码错误或已过期", "the code is wrong or has expired")
        ensure_applicant_user(applicant)
        record(
            "applicant.login",
            applicant.subject,
            applicant.subject,
            {"method": "sms", "phone": mask_phone(phone)},
        )
    return applicant


def trace_view(applicant: Applicant, staff: Staff, *, purpose: str) -> None:
    """A staff member looked at someone's record: who, whose, why, in the ledger."""
    record("applicant.viewed", applicant.subject, staff.actor, {"purpose": purpose})


def trace_admin_view(applicant: Applicant, actor: str) -> None:
    """The admin's edit form shows the full number: a read like `trace_view`'s."""
    record("applicant.viewed", applicant.subject, actor, {"purpose": "admin.change_form"})


def trace_list(applicants: Sequence[Applicant], staff: Staff, *, purpose: str) -> None:
    """A staff member saw a list of people: one entry naming each of them."""
    record("applicant.listed", [a.subject for a in applicants], staff.actor, {"purpose": purpose})


def ensure_applicant_user(applicant: Applicant) -> User:
    """Applicants sign in through Django auth too; their account has no staff rights."""
    if applicant.user is not None:
        return applicant.user
    user = User.objects.create_user(username=f"applicant-{applicant.pk}")
    user.set_unusable_password()
    user.save()
    applicant.user = user
    applicant.save(update_fields=["user"])
    return user


def set_applicant_password(applicant: Applicant, password: str) -> None:
    user = ensure_applicant_user(applicant)
    check_password_policy(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])


def send_registration_code(id_number: str, phone: str, source: Source) -> None:
    """实名注册's code: counted against the number being registered (as the kiosk's login
    is), so one number cannot be used to flood phones, and sent to the phone given."""
    request_login_code(
        target=login_code_target(id_number), phone=phone, source=source, purpose="注册"
    )


def register_with_code(
    *,
    id_number: str,
    name: str,
    phone: str,
    code: str,
    source: Source,
    assurance: int,
    evidence: dict[str, int],
) -> Applicant:
    """The code sent by `send_registration_code` proves the phone; then the person is
    registered in the county their number names (the city where it names none here) with
    the assurance the caller established, and their account is made."""
    check_login_code(phone, code, source, target=login_code_target(id_number))
    with transaction.atomic():
        person = register_person(
            id_number=id_number,
            name=name,
            region=home_region(id_number),
            phone=phone,
            assurance=assurance,
            actor=f"{ApplicantKind.PERSON}:{subject_digest(id_number)}",
        )
        ensure_applicant_user(person)
        record(
            "applicant.self_registered",
            person.subject,
            person.subject,
            {"id": person.pk, "assurance": assurance, **evidence},
        )
    return person


def home_region(id_number: str) -> Region:
    """The county of the number's address code if it is one of ours, else the city."""
    return region_by_code(id_number[:6].ljust(12, "0")) or city_region()


@transaction.atomic
def verify_in_person(person: Applicant, *, actor: str) -> Applicant:
    """窗口现场核验: a clerk has read the person's ID card at the counter, which raises their
    account to the highest level, so items that ask for it can be applied for online."""
    if not person.is_person:
        raise InvalidInput(
            "现场核验只适用于自然人", "an in-person check is for a person", field="applicant"
        )
    before = person.assurance
    if before < AssuranceLevel.IN_PERSON:
        person.assurance = AssuranceLevel.IN_PERSON
        person.save(update_fields=["assurance"])
    record(
        "applicant.verified_in_person",
        person.subject,
        actor,
        {"from": before, "to": person.assurance},
    )
    return person


MAX_MANDATE_DAYS = 3 * 366


@transaction.atomic
def record_representative(
    *, organization: Applicant, person: Applicant, day: dt.date, evidence: dict[str, int]
) -> Mandate:
    """The 市场监管 register has confirmed `person` as the organization's 法定代表人: they may
    act for it in everything. A representative before them is one no longer; the agents
    they named keep their mandates until these end or the new representative revokes them."""
    live = Mandate.objects.select_for_update().filter(
        organization=organization, kind=MandateKind.REPRESENTATIVE, revoked_at__isnull=True
    )
    for old in live:
        if old.person_id == person.pk:
            return old
        old.revoked_at, old.revoked_by = timezone.now(), "register"
        old.save(update_fields=["revoked_at", "revoked_by"])
    mandate = Mandate.objects.create(
        organization=organization,
        person=person,
        kind=MandateKind.REPRESENTATIVE,
        valid_from=day,
        granted_by=person,
    )
    record(
        "organization.representative_linked",
        organization.subject,
        person.subject,
        {"mandate": mandate.pk, **evidence},
    )
    return mandate


@transaction.atomic
def name_agent(
    *,
    organization: Applicant,
    representative: Applicant,
    agent: Applicant,
    items: list[str],
    until: dt.date,
    day: dt.date,
) -> Mandate:
    """经办人: the representative names a registered person to act for the organization for
    `items` (every item when empty) up to and including `until`."""
    if not Mandate.objects.filter(
        organization=organization,
        person=representative,
        kind=MandateKind.REPRESENTATIVE,
        revoked_at__isnull=True,
    ).exists():
        raise Forbidden(
            f"只有{organization.name}的法定代表人可以指定经办人",
            f"only the legal representative of {organization.name} names its agents",
        )
    if not agent.is_person or agent.pk == representative.pk:
        raise InvalidInput(
            "经办人须为法定代表人以外的自然人",
            "an agent is a person other than the representative",
            field="agent",
        )
    if until < day or (until - day).days > MAX_MANDATE_DAYS:
        raise InvalidInput(
            "授权截止日期须在今天至三年之内",
            "the authorization ends between today and three years from now",
            field="until",
        )
    if Mandate.objects.filter(
        organization=organization, person=agent, kind=MandateKind.AGENT, revoked_at__isnull=True
    ).exists():
        raise Conflict(
            "该经办人已有有效授权，请先撤销再重新授权",
            "this agent already holds an authorization: revoke it first",
            field="agent",
        )
    mandate = Mandate.objects.create(
        organization=organization,
        person=agent,
        kind=MandateKind.AGENT,
        items=sorted(set(items)),
        valid_from=day,
        valid_until=until,
        granted_by=representative,
    )
    record(
        "organization.agent_named",
        organization.subject,
        representative.subject,
        {
            "mandate": mandate.pk,
            "agent": agent.subject,
            "items": mandate.items,
            "until": until.isoformat(),
        },
    )
    return mandate


@transaction.atomic
def revoke_mandate(mandate: Mandate, *, by: Applicant) -> None:
    """撤销授权: by the organization's representative, or by the agent giving it up."""
    row = Mandate.objects.select_for_update().get(pk=mandate.pk)
    is_agent = row.kind == MandateKind.AGENT and row.person_id == by.pk
    is_representative = Mandate.objects.filter(
        organization_id=row.organization_id,
        person=by,
        kind=MandateKind.REPRESENTATIVE,
        revoked_at__isnull=True,
    ).exists()
    if row.kind != MandateKind.AGENT or not (is_agent or is_representative):
        raise NotFound("没有该授权", "no such authorization")
    if row.revoked_at is not None:
        raise Conflict("该授权已撤销", "this authorization is already revoked")
    row.revoked_at, row.revoked_by = timezone.now(), by.subject
    row.save(update_fields=["revoked_at", "revoked_by"])
    record(
        "organization.agent_revoked",
        row.organization.subject,
        by.subject,
        {"mandate": row.pk, "agent": row.person.subject if row.person else ""},
    )


@transaction.atomic
def register_at_window(*, id_number: str, name: str, phone: str, actor: str) -> Applicant:
    """窗口注册: the clerk has read the person's ID card at the counter. A new person is
    registered in the county their number names at 窗口现场核验; a known one, whose name
    must be the card's, is raised to it."""
    number = parse_id_number(id_number).number
    known = Applicant.objects.filter(identifier=number).first()
    if known is None:
        person = register_person(
            id_number=number,
            name=name,
            region=home_region(number),
            phone=phone,
            assurance=AssuranceLevel.IN_PERSON,
            actor=actor,
        )
        ensure_applicant_user(person)
        return person
    if known.name != name.strip():
        raise InvalidInput(
            "姓名与已登记的不一致，请核对身份证",
            "the name differs from the registered one: check the ID card",
            field="name",
        )
    return verify_in_person(known, actor=actor)


MAX_COMMISSION_DAYS = 366
SCAN_MAX_BYTES = 4 * 1024 * 1024
SCAN_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-")


@transaction.atomic
def draft_commission(
    *, helper: Staff, resident_number: str, items: list[str], until: dt.date, day: dt.date
) -> Mandate:
    """帮办代办, first step: a village station's or town centre's helper draws up the 委托书
    of a registered resident of their area for some items until an end date. It allows
    nothing until the resident has signed it and confirmed it with the SMS code sent to
    their own phone; the caller checks that the item codes are items."""
    number = parse_id_number(resident_number).number
    resident = Applicant.objects.filter(kind=ApplicantKind.PERSON, identifier=number).first()
    if resident is None:
        raise NotFound(
            "未找到该居民，请先为其实名注册", "no resident has this ID number: register them first"
        )
    station = helper_station(helper, resident)
    if not resident.phone:
        raise InvalidInput(
            "该居民未登记手机号码，无法短信确认委托，请先登记手机号码",
            "the resident has no mobile number to confirm by SMS: record one first",
            field="id_number",
        )
    codes = sorted({c.strip() for c in items if c.strip()})
    if not codes:
        raise InvalidInput("请选择委托代办的事项", "choose the items to act on", field="items")
    if until < day or (until - day).days > MAX_COMMISSION_DAYS:
        raise InvalidInput(
            "委托截止日期须在今天至一年之内",
            "the authorization ends between today and a year from now",
            field="until",
        )
    mandate = Mandate.objects.create(
        organization=resident,
        helper=helper,
        station=station,
        kind=MandateKind.HELPER,
        items=codes,
        valid_from=day,
        valid_until=until,
        granted_by=resident,
    )
    record(
        "commission.drafted",
        resident.subject,
        helper.actor,
        {
            "mandate": mandate.pk,
            "station": station.code,
            "items": codes,
            "until": until.isoformat(),
        },
    )
    return mandate


def _signature_bytes(data: bytes, *, scanned: bool) -> bytes:
    """The pad's PNG with something drawn on it, or a scanned signed page (PNG, JPEG, PDF)."""
    if scanned:
        if not data.startswith(SCAN_MAGIC):
            raise InvalidInput(
                "请上传签字委托书的扫描件（PDF、JPG或PNG）",
                "upload the signed authorization as a PDF, JPG or PNG scan",
                field="scan",
            )
        if len(data) > SCAN_MAX_BYTES:
            raise InvalidInput("扫描件过大", "the scan is too large", field="scan")
        return data
    bad = InvalidInput("请居民在签名板上签名", "the resident signs on the pad", field="signature")
    if not data.startswith(SCAN_MAGIC[0]) or len(data) > SCAN_MAX_BYTES:
        raise bad
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise bad from None
    if image.convert("RGBA").getchannel("A").getbbox() is None:
        raise bad
    return data


def _pending(mandate: Mandate, helper: Staff) -> Mandate:
    row = Mandate.objects.select_for_update().select_related("organization").get(pk=mandate.pk)
    if row.kind != MandateKind.HELPER or row.helper_id != helper.pk:
        raise NotFound("没有该代办委托", "no such authorization")
    if row.revoked_at is not None:
        raise Conflict("该代办委托已被撤销", "this authorization was revoked")
    if row.confirmed_at is not None:
        raise Conflict("该代办委托已确认", "this authorization is already confirmed")
    return row


def sign_commission(
    mandate: Mandate,
    *,
    helper: Staff,
    signature: bytes,
    scanned: bool,
    document: bytes,
    source: Source,
) -> Mandate:
    """The resident has signed the 委托书 `document` (the PDF the platform wrote from it), on
    the pad or on paper that was scanned: the image is kept, its SHA-256 and the PDF's are
    subjects of the ledger entry, and a code goes to the resident's own phone. The code's
    limits are the SMS login's, counted against the resident's number."""
    image = _signature_bytes(signature, scanned=scanned)
    with transaction.atomic():
        row = _pending(mandate, helper)
        row.signature = image
        row.signature_sha256 = hashlib.sha256(image).hexdigest()
        row.document_sha256 = hashlib.sha256(document).hexdigest()
        row.save(update_fields=["signature", "signature_sha256", "document_sha256"])
        record(
            "commission.signed",
            [
                row.organization.subject,
                f"signature:{row.signature_sha256}",
                f"document:{row.document_sha256}",
            ],
            helper.actor,
            {"mandate": row.pk, "scanned": scanned},
        )
    send_commission_code(row, helper=helper, source=source)
    return row


def send_commission_code(mandate: Mandate, *, helper: Staff, source: Source) -> None:
    """The code that confirms a signed 委托书, to the resident's phone (again, after a
    minute, if it did not arrive)."""
    with transaction.atomic():
        row = _pending(mandate, helper)
    if not row.signature_sha256:
        raise InvalidInput(
            "请先由居民签署委托书", "the resident signs the authorization first", field="signature"
        )
    resident = row.organization
    request_login_code(
        target=login_code_target(resident.identifier),
        phone=resident.phone,
        source=source,
        purpose="代办委托确认",
    )


def confirm_commission(mandate: Mandate, *, helper: Staff, code: str, source: Source) -> Mandate:
    """The resident read out the code sent to their phone: the 委托书 is in force. A wrong
    code is counted like a wrong login code and changes nothing."""
    with transaction.atomic():
        row = _pending(mandate, helper)
    if not row.signature_sha256:
        raise InvalidInput(
            "请先由居民签署委托书", "the resident signs the authorization first", field="signature"
        )
    resident = row.organization
    check_login_code(resident.phone, code, source, target=login_code_target(resident.identifier))
    with transaction.atomic():
        row = _pending(mandate, helper)
        row.confirmed_at = timezone.now()
        row.save(update_fields=["confirmed_at"])
        record(
            "commission.confirmed",
            resident.subject,
            helper.actor,
            {"mandate": row.pk, "phone": mask_phone(resident.phone)},
        )
    return row


@transaction.atomic
def revoke_commission(mandate: Mandate, *, by: Applicant) -> Mandate:
    """The resident withdraws a 委托书: nothing more may be done under it; what was done
    stays (the cases keep naming the helper)."""
    row = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if row.kind != MandateKind.HELPER or row.organization_id != by.pk:
        raise NotFound("没有该代办委托", "no such authorization")
    if row.revoked_at is not None:
        raise Conflict("该代办委托已撤销", "this authorization is already revoked")
    row.revoked_at, row.revoked_by = timezone.now(), by.subject
    row.save(update_fields=["revoked_at", "revoked_by"])
    record("commission.revoked", by.subject, by.subject, {"mandate": row.pk})
    return row
