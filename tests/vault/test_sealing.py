"""Personal data sealed at rest (docs/SECURITY.md): what the database and the disk hold,
lookups by digest, key rotation, re-encryption and retirement."""

import os
import shutil
import stat
from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from ninhaoban.accounts import services
from ninhaoban.accounts.models import Applicant, LoginCode, Person
from ninhaoban.core import sealing
from ninhaoban.regions.models import Region
from ninhaoban.vault import services as vault
from ninhaoban.vault.storage import SealedFileSystemStorage

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture
def keyring_copy(tmp_path):
    """Rotation and retirement on a copy of the keyring, so the session's world (sealed under
    the real one, committed outside the test's transaction) still opens afterwards."""
    real = sealing._paths["keyring"]
    copy = tmp_path / "fields.json"
    shutil.copy(sealing.keyring().path, copy)
    sealing.configure(copy, sealing._lookup_key["key"].decode())
    yield copy
    sealing.configure(real, sealing._lookup_key["key"].decode())


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return SealedFileSystemStorage(location=str(root))


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def person(id_number: str = ID_NUMBER, phone: str = PHONE) -> Applicant:
    return services.register_person(
        id_number=id_number,
        name="路人甲",
        phone=phone,
        email="luren@example.com",
        region=Region.objects.get(code="421223000000"),
    )


def test_id_number_phone_and_email_are_sealed_in_the_database():
    applicant = person()
    for column, plain in (("identifier", ID_NUMBER), ("phone", PHONE), ("email", "luren")):
        stored = raw("accounts_applicant", column, applicant.pk)
        assert stored.startswith("nhb1:k") and plain not in stored
    assert raw("accounts_applicant", "identifier_digest", applicant.pk) == sealing.digest(
        "accounts_applicant.identifier", ID_NUMBER
    )
    again = Applicant.objects.get(pk=applicant.pk)
    assert (again.identifier, again.phone, again.email) == (ID_NUMBER, PHONE, "luren@example.com")


def test_lookups_go_through_the_digest_and_nothing_else_matches_a_sealed_column():
    applicant = person()
    assert Applicant.objects.get(identifier=ID_NUMBER) == applicant
    assert Person.objects.filter(phone__in=[PHONE, "13000000000"]).get() == applicant
    assert not Applicant.objects.filter(phone="13000000000").exists()
    with pytest.raises(FieldError):
        list(Applicant.objects.filter(identifier__icontains="1949"))
    with pytest.raises(FieldError):
        list(Applicant.objects.filter(email="luren@example.com"))  # sealed, no digest


def test_the_unique_id_number_is_held_by_its_digest_and_a_conflict_names_the_field():
    from ninhaoban.portal.guard import database_error

    person()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Applicant.objects.create(
            kind="person", identifier=ID_NUMBER, name="乙", region_id="421223000000"
        )
    assert database_error(caught.value).field == "identifier"


def test_a_ciphertext_moved_to_another_column_does_not_open():
    applicant = person()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_applicant SET phone = identifier WHERE id = %s", [applicant.pk]
        )
    with pytest.raises(sealing.SealingError):
        Applicant.objects.get(pk=applicant.pk)


def test_a_tampered_value_does_not_open():
    sealed = sealing.seal(PHONE, "accounts_applicant.phone")
    body = bytearray(sealed.encode())
    body[-3] = ord("A") if body[-3] != ord("A") else ord("B")
    with pytest.raises(sealing.SealingError):
        sealing.unseal(body.decode(), "accounts_applicant.phone")


def test_login_codes_find_their_phone_by_digest():
    code = LoginCode.objects.create(phone=PHONE, code_hash="x", expires_at="2099-01-01T00:00Z")
    assert PHONE not in raw("accounts_logincode", "phone", code.pk)
    assert LoginCode.objects.get(phone=PHONE) == code


def test_case_forms_licence_fields_and_postal_addresses_are_sealed():
    from ninhaoban.cases.models import Case
    from ninhaoban.licences.models import Licence

    for model, column in ((Case, "form"), (Licence, "fields")):
        field = model._meta.get_field(column)
        stored = field.get_db_prep_value({"姓名": "路人甲"}, connection)
        assert stored.startswith("nhb1:") and "路人甲" not in stored
        assert field.from_db_value(stored, None, connection) == {"姓名": "路人甲"}
    post = Case._meta.get_field("post_address").get_db_prep_value("咸宁市温泉路1号", connection)
    assert "温泉" not in post


def test_rows_written_in_clear_are_sealed_by_the_migration_step():
    applicant = person()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_applicant SET phone = %s, phone_digest = '' WHERE id = %s",
            [PHONE, applicant.pk],
        )
    assert not Applicant.objects.filter(phone=PHONE).exists()
    assert vault.reseal_model(Applicant) >= 1
    assert raw("accounts_applicant", "phone", applicant.pk).startswith("nhb1:")
    assert Applicant.objects.get(phone=PHONE) == applicant


def test_uploads_are_sealed_on_disk_mode_0600_and_open_in_clear(media):
    name = media.save("cases/uploads/a.txt", ContentFile(b"ID 11010519491231002X" * 10_000))
    path = media.path(name)
    with open(path, "rb") as handle:
        on_disk = handle.read()
    assert on_disk.startswith(sealing.FILE_MAGIC) and b"11010519491231002X" not in on_disk
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with media.open(name) as handle:
        assert handle.read() == b"ID 11010519491231002X" * 10_000
    assert media.size(name) == 21 * 10_000


def test_a_truncated_sealed_file_does_not_open(media):
    name = media.save("cases/uploads/b.txt", ContentFile(b"x" * 200_000))
    path = media.path(name)
    with open(path, "rb") as handle:
        data = handle.read()
    with open(path, "wb") as handle:
        handle.write(data[: -(sealing.SEGMENT // 2)])
    with pytest.raises(sealing.SealingError):
        media.open(name)


def test_a_file_stored_in_clear_opens_and_is_sealed_by_reencrypt(media, keyring_copy):
    (media_root := vault.media_root()).joinpath("cases/uploads").mkdir(parents=True)
    media_root.joinpath("cases/uploads/old.txt").write_bytes(b"old clear file")
    assert media.open("cases/uploads/old.txt").read() == b"old clear file"
    assert vault.reseal_files() == 1
    assert media_root.joinpath("cases/uploads/old.txt").read_bytes().startswith(sealing.FILE_MAGIC)
    assert media.open("cases/uploads/old.txt").read() == b"old clear file"


def test_rotate_reencrypt_retire(keyring_copy, media):
    applicant = person()
    old = sealing.keyring().active
    media.save("cases/uploads/c.txt", ContentFile(b"under the old key"))
    assert stat.S_IMODE(os.stat(keyring_copy).st_mode) == 0o600

    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    new = sealing.keyring().active
    assert new != old and f"* {new}" in out.getvalue()
    applicant.phone = "13700000000"
    applicant.save()
    assert sealing.key_id(raw("accounts_applicant", "phone", applicant.pk)) == new
    assert sealing.key_id(raw("accounts_applicant", "identifier", applicant.pk)) == new

    with pytest.raises(CommandError, match="reencrypt"):
        call_command("keys", "retire", old, stdout=StringIO())
    with pytest.raises(CommandError, match="active"):
        call_command("keys", "retire", new, stdout=StringIO())

    call_command("keys", "reencrypt", stdout=StringIO())
    assert not vault.rows_under(old) and not vault.files_under(old)
    assert Applicant.objects.get(identifier=ID_NUMBER).phone == "13700000000"
    assert media.open("cases/uploads/c.txt").read() == b"under the old key"

    call_command("keys", "retire", old, stdout=StringIO())
    assert sealing.keyring().keys[old].retired
    with pytest.raises(sealing.SealingError):
        sealing.keyring().secret(old)


def test_the_keyring_is_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "keys" / "fields.json"
    sealing._create(path)
    first = path.read_text()
    sealing._create(path)
    assert path.read_text() == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
