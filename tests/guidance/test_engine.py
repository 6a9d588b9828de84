"""The pure engine over hand-made documents: no database, so these run in milliseconds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ninhaoban.core.errors import InvalidInput
from ninhaoban.guidance.engine import (
    MAX_QUERY_CHARS,
    SYNONYM_DECAY,
    Document,
    Index,
    QueryTooLong,
    Segmenter,
    normalize,
    pinyin_keys,
)

CITY = "421200000000"
CHONGYANG = "421223000000"
TIANCHENG = "421223100000"
XIANAN = "421202000000"


def item(code: str, name: str, region: str = CITY, level: str = "city", **extra) -> Document:
    return Document(
        key=f"item:{code}",
        kind="item",
        code=code,
        name=name,
        region_code=region,
        level=level,
        group=extra.pop("group", code),
        **extra,
    )


DOCS = [
    item(
        "food-cy",
        "食品经营许可证核发",
        CHONGYANG,
        "county",
        group="food",
        aliases=("餐馆",),
        text="营业执照 健康证明 食品安全管理制度",
    ),
    item(
        "food-xa",
        "食品经营许可证核发",
        XIANAN,
        "county",
        group="food",
        aliases=("餐馆",),
        text="营业执照 健康证明 食品安全管理制度",
    ),
    item("fund", "住房公积金提取", aliases=("取公积金",), text="身份证 银行卡"),
    item("birth", "出生医学证明首次签发", text="父母身份证 结婚证"),
    item("idcard", "居民身份证换领", CHONGYANG, "county", text="原居民身份证 照片"),
    item(
        "insurance",
        "社会保险个人参保缴费证明打印",
        TIANCHENG,
        "town",
        text="社会保障卡或身份证",
    ),
    item("licence", "营业执照设立登记", text="名称 住所 经营范围"),
    Document(
        key="bundle:birth",
        kind="bundle",
        code="birth",
        name="新生儿出生一件事",
        region_code=CITY,
        level="city",
        aliases=("生娃一件事",),
        items=(("birth", "出生医学证明首次签发"), ("hukou", "出生登记（户口）")),
    ),
]
SYNONYMS = {
    "开饭店": ["餐饮"],
    "餐饮": ["食品经营许可"],
    "生孩子": ["出生"],
    "社保": ["社会保险"],
    "过期": ["换领"],
}


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(DOCS, SYNONYMS)


def codes(hits) -> list[str]:
    return [h.document.code for h in hits]


def test_catalog_words_stay_whole_when_segmented():
    plain = Segmenter()
    assert "开饭店" not in plain.query_terms("我想开饭店")
    grown = Segmenter(["开饭店"])
    assert "开饭店" in grown.query_terms("我想开饭店")


def test_each_index_has_its_own_dictionary(index):
    assert "开饭店" in index.segmenter.query_terms("开饭店")
    other = Index([item("x", "水电费缴纳")])
    assert "开饭店" not in other.segmenter.query_terms("开饭店")


def test_document_text_is_indexed_by_every_word_it_contains(index):
    terms = index.segmenter.index_terms("食品经营许可证核发")
    assert {"食品", "经营", "许可证", "食品经营许可证核发"} <= set(terms)


def test_pinyin_keys_use_first_letters():
    assert pinyin_keys("公积金") == ("gongjijin", "gjj")
    assert pinyin_keys("住房") == ("zhufang", "zf")


@pytest.mark.parametrize("query", ["gjj", "GJJ", "ＧＪＪ", "gongjijin", "gong ji jin", "zfgjjtq"])
def test_pinyin_and_initials_find_the_item(index, query):
    assert codes(index.search(query))[0] == "fund"


def test_initials_combined_with_chinese(index):
    assert codes(index.search("gjj提取"))[0] == "fund"


def test_unfinished_initials_are_completed(index):
    assert "fund" in codes(index.search("zfg"))


def test_unfinished_chinese_word_is_completed(index):
    assert codes(index.search("营业执"))[0] == "licence"


def test_a_homophone_typo_is_tolerated(index):
    assert codes(index.search("公积今提取"))[0] == "fund"
    assert codes(index.search("身分证换领"))[0] == "idcard"


def test_one_substituted_character_is_tolerated(index):
    assert codes(index.search("营业执黑"))[0] == "licence"


def test_synonyms_expand_transitively(index):
    understood = index.understand("我要开饭店").terms
    assert understood["食品经营许可"] == pytest.approx(SYNONYM_DECAY**2)
    assert codes(index.search("我要开饭店"))[0] == "food-cy"


def test_a_life_event_returns_its_bundle_first_with_its_items(index):
    hits = index.search("生孩子要办什么")
    assert hits[0].document.kind == "bundle"
    assert [code for code, _ in hits[0].document.items] == ["birth", "hukou"]
    assert "birth" in codes(hits[1:])


def test_region_filter_keeps_the_region_and_its_ancestors(index):
    tiancheng_user = frozenset({TIANCHENG, CHONGYANG, CITY, "420000000000"})
    found = codes(index.search("社保证明", regions=tiancheng_user))
    assert found[0] == "insurance"
    xianan_user = frozenset({XIANAN, CITY, "420000000000"})
    assert "insurance" not in codes(index.search("社保证明", regions=xianan_user))


def test_implementations_of_one_base_item_collapse_to_the_nearest(index):
    assert (
        codes(index.search("食品经营许可")).count("food-cy")
        + codes(index.search("食品经营许可")).count("food-xa")
        == 1
    )
    xianan_user = frozenset({XIANAN, CITY})
    assert codes(index.search("食品经营许可", regions=xianan_user))[0] == "food-xa"


def test_level_filter(index):
    found = codes(index.search("身份证", level="county"))
    assert found == ["idcard"]


def test_official_name_ranks_first(index):
    assert codes(index.search("出生医学证明首次签发"))[0] == "birth"


def test_empty_and_meaningless_queries_find_nothing(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("！？。") == []
    assert index.search("的了吗") == []


def test_a_long_query_is_a_clear_422(index):
    with pytest.raises(QueryTooLong) as caught:
        index.search("办" * (MAX_QUERY_CHARS + 1))
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.status == 422
    assert "过长" in caught.value.message_zh
    with pytest.raises(QueryTooLong):
        index.search(" " * 100_000 + "公积金")
    assert codes(index.search("公积金" + " " * 100))[0] == "fund"


def test_limit_is_bounded(index):
    assert len(index.search("证明", limit=1)) == 1
    assert len(index.search("证明", limit=0)) == 1


def test_normalize_folds_width_and_case():
    assert normalize(" ＳＢ zm ") == "sbzm"


def test_an_empty_catalog_answers_nothing():
    assert Index([]).search("公积金") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=MAX_QUERY_CHARS))
def test_any_text_is_answered_without_crashing(index, text):
    hits = index.search(text)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_only_unexplained_characters_are_corrected():
    docs = [item("food", "开办餐饮店", aliases=("开饭店",)), item("shop", "个体工商户设立登记")]
    index = Index(docs, {"网店": ["个体工商户"]})
    assert "开饭店" not in index.understand("开网店").terms
    assert codes(index.search("开网店"))[0] == "shop"
    assert "开饭店" in index.understand("开饭站").terms


def test_pinyin_reaches_synonym_terms_no_document_contains():
    index = Index([item("reg", "社会保险登记")], {"社保": ["社会保险"]})
    assert codes(index.search("shebao")) == ["reg"]
    assert codes(index.search("社宝")) == ["reg"]


def test_the_limit_is_on_what_was_typed_not_on_its_normal_form(index):
    # NFKC turns ¼ into three characters: 64 typed characters are still answered, 65 are not.
    assert isinstance(index.search("¼" * MAX_QUERY_CHARS), list)
    with pytest.raises(QueryTooLong):
        index.search("¼" * (MAX_QUERY_CHARS + 1))
