import pytest
from hypothesis import given
from hypothesis import strategies as st

from ninhaoban.licences.identifiers import (
    ALPHABET,
    InvalidLicenceId,
    licence_check_char,
    make_licence_id,
    parse_licence_id,
)

REAL = "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F"


def _valid_with_check(body: str, check: str) -> bool:
    """ISO 7064 hybrid validation run over body and check together: the last sum is 1."""
    p = 36
    for char in body + check:
        s = (p + ALPHABET.index(char)) % 36 or 36
        p = (s * 2) % 37
    return s == 1


def test_real_identifier_parses():
    parsed = parse_licence_id(REAL)
    assert parsed.type_code == "11100000000013338W032"
    assert parsed.issuer_uscc == "11220000013544541J"
    assert parsed.serial == "2430599" and parsed.version == "001" and parsed.check == "F"
    assert str(parsed) == REAL


def test_known_check_characters():
    assert licence_check_char("11100000000013338W03211220000013544541J2430599001") == "F"
    # by hand: s = (36 + 0) mod 36 -> 36, p = 72 mod 37 = 35, check = (37 - 35) mod 36 = 2
    assert licence_check_char("0") == "2"
    assert _valid_with_check("0", licence_check_char("0"))


def test_wrong_check_character_is_refused():
    with pytest.raises(InvalidLicenceId) as caught:
        parse_licence_id(REAL[:-1] + "G")
    assert "校验位应为F" in caught.value.message_zh


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "1.2.156.3005.1.11100000000013338W032.11220000013544541J.2430599.001.F",
        "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.F",
        "1.2.156.3005.2.11100000000013338W032.11220000013544541J.24305A9.001.F",
        "1.2.156.3005.2.11100000000013338W032.1122000001354454-J.2430599.001.F",
    ],
)
def test_malformed_identifiers_are_refused(bad: str):
    with pytest.raises(InvalidLicenceId):
        parse_licence_id(bad)


body = st.text(alphabet=ALPHABET, min_size=1, max_size=60)


@given(body)
def test_check_character_satisfies_the_iso_7064_validation(text: str):
    assert _valid_with_check(text, licence_check_char(text))


@given(body, st.data())
def test_every_single_substitution_is_caught(text: str, data):
    i = data.draw(st.integers(0, len(text) - 1))
    other = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != text[i]))
    assert licence_check_char(text[:i] + other + text[i + 1 :]) != licence_check_char(text)


def test_made_identifiers_round_trip():
    made = make_licence_id("11100000000013338W001", "11421200MB1234567X", "0000001", "001")
    assert parse_licence_id(str(made).lower()) == made
