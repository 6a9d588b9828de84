import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ninhaoban.core.idnumbers import (
    PROVINCES,
    InvalidIdNumber,
    InvalidUscc,
    id_check_char,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
    parse_uscc,
    uscc_check_char,
)

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("number", "region", "birth", "sex"),
    [
        ("11010519491231002X", "110105", dt.date(1949, 12, 31), "F"),  # GB 11643 example
        ("440524188001010014", "440524", dt.date(1880, 1, 1), "M"),  # GB 11643 example
        ("11010519491231002x", "110105", dt.date(1949, 12, 31), "F"),  # lower-case x
        # 422301 (咸宁地区, created 1983) on a number of someone born in 1950: allowed.
        ("422301195003150019", "422301", dt.date(1950, 3, 15), "M"),
    ],
)
def test_valid_id_numbers(number, region, birth, sex):
    parsed = parse_id_number(number, today=TODAY)
    assert (parsed.region_code, parsed.birth_date, parsed.sex) == (region, birth, sex)
    assert parsed.number == number.upper()


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验码应为X"),
        ("42120219900230001X", "不是真实日期"),  # 30 February
        ("421202203001010016", "在未来"),
        ("42120219900101001", "应为18位"),
        ("4212021990010100165", "应为18位"),
        ("42120219900101A016", "前17位必须是数字"),
        ("42120219900101001Y", "校验码必须是数字或X"),
        ("４２１２０２１９９００１０１００１６", "前17位必须是数字"),  # full-width digits
        ("", "应为18位"),
    ],
)
def test_invalid_id_numbers_say_why(number, reason):
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(number, today=TODAY)
    assert reason in caught.value.message_zh
    assert caught.value.message_en
    assert caught.value.status == 422


@given(
    st.sampled_from(sorted(PROVINCES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.dates(dt.date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)
def test_generated_numbers_round_trip(province, rest, birth, seq):
    body = f"{province}{rest}{birth:%Y%m%d}{seq:03d}"
    parsed = parse_id_number(body + id_check_char(body), today=TODAY)
    assert parsed.birth_date == birth


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91110000600037341L", "911100001000079554", "91350100m000100y43"]
)
def test_valid_uscc(code):
    assert parse_uscc(code).code == code.upper()


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "校验码应为3"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100I000100Y43", "不允许的字符：I"),
        ("9135010OZ000100Y43", "不允许的字符：OZ"),
        ("91ABCDEFM000100Y43", "行政区划码"),
    ],
)
def test_invalid_uscc_says_why(code, reason):
    with pytest.raises(InvalidUscc) as caught:
        parse_uscc(code)
    assert reason in caught.value.message_zh


def test_uscc_check_character_31_maps_to_0():
    # Find a body whose weighted sum is a multiple of 31: the check character is then "0".
    body = next(
        f"9142120{n:010d}" for n in range(10_000) if uscc_check_char(f"9142120{n:010d}") == "0"
    )
    assert parse_uscc(body + "0").code.endswith("0")


def test_masking():
    assert mask_id_number("42120219900101123X") == "4212**********123X"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("李四") == "李*"
    assert mask_phone("13912345678") == "139****5678"


@pytest.mark.parametrize("region", ["999999", "000000", "100105", "190000", "730000", "990101"])
def test_a_region_code_outside_gb_t_2260_is_refused(region):
    body = f"{region}19800101001"
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(body + id_check_char(body), today=TODAY)
    assert region in caught.value.message_zh and "GB/T 2260" in caught.value.message_en
    assert caught.value.field == "id_number"


@pytest.mark.parametrize("region", ["110105", "421223", "810000", "710000", "654321"])
def test_every_province_of_gb_t_2260_is_accepted(region):
    body = f"{region}19800101001"
    assert parse_id_number(body + id_check_char(body), today=TODAY).region_code == region
