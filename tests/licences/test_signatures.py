"""Properties of the signed payload, on licences held in memory (no database needed)."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ninhaoban.accounts.models import Applicant
from ninhaoban.ledger.signing import Keyring, keyring
from ninhaoban.licences.models import Licence, LicenceType
from ninhaoban.licences.payloads import licence_payload, verify_licence
from ninhaoban.regions.models import Department

FIELDS = {"type": "有限责任公司", "legal_representative": "张三丰", "address": "温泉路1号"}


def _licence() -> Licence:
    licence = Licence(
        identifier="1.2.156.3005.2.11100000000013338W001.11421223MB0000012X.0000001.001.F",
        licence_type=LicenceType(code="11100000000013338W001", name="营业执照"),
        holder=Applicant(kind="organization", identifier="914212021344994766", name="某公司"),
        issuer=Department(name="崇阳县市场监督管理局", uscc="11421223MB0000012X"),
        fields=dict(FIELDS),
        issued_on=dt.date(2020, 5, 1),
        status="10",
    )
    signature = keyring().sign(licence_payload(licence))
    licence.key_id, licence.signature = signature.key_id, signature.value
    return licence


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.sampled_from(sorted(FIELDS)), st.text(min_size=1, max_size=20))
def test_any_changed_field_value_breaks_the_signature(field: str, value: str):
    licence = _licence()
    assert verify_licence(licence).in_force
    licence.fields = {**licence.fields, field: value}
    assert verify_licence(licence).genuine == (value == FIELDS[field])


def test_a_signature_from_another_key_is_forged(tmp_path):
    licence = _licence()
    stranger = Keyring(tmp_path / "other").sign(licence_payload(licence))
    licence.signature = stranger.value  # same key id, someone else's signature
    assert verify_licence(licence).state == "forged"
    licence.key_id = stranger.key_id  # a key this platform does not hold
    assert verify_licence(licence).state == "forged"
