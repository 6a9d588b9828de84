"""Every change to staff and applicants goes through these functions."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts.models import (
    Applicant,
    ApplicantKind,
    AssuranceLevel,
    LoginCode,
    Role,
    Staff,
    StaffRole,
)
from ninhaoban.accounts.notify import notify
from ninhaoban.accounts.signals import acting_as
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.core.idnumbers import mask_phone, parse_id_number, parse_uscc
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import Department, Region

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


def send_login_code(phone: str) -> None:
    """Send a 6-digit code to a registered applicant's phone. An unknown phone gets the same
    answer as a known one, so the form cannot be used to probe who is registered."""
    phone = _check_phone(phone)
    if not phone:
        raise InvalidInput("请输入手机号码", "enter a mobile number", field="phone")
    if not Applicant.objects.filter(phone=phone).exists():
        return
    recent = LoginCode.objects.filter(
        phone=phone, created_at__gt=timezone.now() - dt.timedelta(seconds=60)
    )
    if recent.exists():
        raise InvalidInput(
            "验证码发送过于频繁，请一分钟后再试", "wait a minute before asking again"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    LoginCode.objects.create(
        phone=phone,
        code_hash=_code_hash(phone, code),
        expires_at=timezone.now() + dt.timedelta(minutes=LOGIN_CODE_MINUTES),
    )
    notify(
        phone=phone,
        subject="登录验证码",
        text=f"【您好办】您的登录验证码为{code}，5分钟内有效。",
        secret=code,
    )


def check_login_code(phone: str, code: str) -> None:
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
        )
        usable = row is not None and row.attempts < LOGIN_CODE_ATTEMPTS
        matched = usable and hmac.compare_digest(
            row.code_hash, _code_hash(phone, (code or "").strip())
        )
        if matched:
            row.used = True
            row.save(update_fields=["used"])
        elif usable:
            row.attempts += 1
            row.save(update_fields=["attempts"])
    if not matched:
        raise Forbidden("验证码错误或已过期", "the code is wrong or has expired")


def login_with_code(phone: str, code: str) -> Applicant:
    """The website's SMS login: the code, then the first applicant with that phone."""
    check_login_code(phone, code)
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


def ensure_applicant_user(applicant: Applicant) -> User:
    """Applicants sign in through Django auth too; their account has no staff rights."""
    if applicant.user_id:
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
