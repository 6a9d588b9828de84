"""The English switch: public pages speak English, and the committed catalog is complete.

The catalog is src/ninhaoban/locale/en/LC_MESSAGES/django.po; django.mo is committed beside
it (fresh machines may have no msgfmt), so a test compiles the .po here with a small
msgfmt-equivalent and checks that the committed .mo holds exactly the same messages.
"""

import ast
import gettext
import re
import struct
from pathlib import Path

import pytest
from django.utils import translation

from ninhaoban.catalog import selectors

LOCALE = Path(__file__).resolve().parents[2] / "src" / "ninhaoban" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

CHONGYANG = "421223000000"

# Header and footer, on every page: what English shows and what it must not show.
CHROME_EN = ["Applicant login", "Staff login", "Home", "Ninhaoban · Xianning City"]
CHROME_ZH = ["办事人登录", "工作人员登录", "首页", "政务服务平台（开源）"]


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # LocaleMiddleware leaves the last request's language active in this thread.
    yield
    translation.deactivate()


def english_client(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def food_licence_code() -> str:
    versions = selectors.list_items(region=CHONGYANG)
    return versions.get(item__base__name="食品经营许可", item__region_id=CHONGYANG).item.code


def pages() -> list[tuple[str, list[str], list[str]]]:
    """(url, English words that must appear, Chinese UI labels that must not)."""
    return [
        (
            "/",
            ["Search", "For individuals", "For businesses and organizations", "Check progress"],
            ["搜索", "个人办事", "法人办事", "办理进度查询", "一件事一次办"],
        ),
        (
            "/figures/",
            ["Built once, used at four levels", "City and county government service"],
            ["一级开发、四级应用", "市、县政务服务大厅", "服务大厅、中心和服务点"],
        ),
        ("/console/login/", ["Username", "Password", "Log in"], ["用户名", "密码", "登录"]),
        (
            "/open-data/",
            ["Open government service data", "On-time rate", "Received"],
            ["政务服务数据公开", "按时办结率", "收件"],
        ),
        (
            "/login/",
            ["ID number and password", "SMS code", "Send code", "Mobile number"],
            ["证件号码和密码", "手机验证码", "发送验证码", "手机号码"],
        ),
        (
            "/catalog/",
            ["Service catalog", "Filter", "Visits"],
            ["政务服务事项目录", "筛选", "跑动"],
        ),
        (
            f"/catalog/items/{food_licence_code()}/",
            ["Conditions for acceptance", "Legal basis", "Where and when", "Opening hours"],
            ["受理条件", "设定依据", "办理地点和时间", "办公时间", "下载打印版（PDF）"],
        ),
        (
            "/catalog/bundles/xinshenger-chusheng/",
            ["Materials handed in once", "Handled in parallel", "Stage"],
            ["一次提交的申请材料", "并联办理", "用于事项"],
        ),
        (
            "/ledger/",
            ["Ledger lookup", "Case number or licence number", "Look up"],
            ["存证查询", "办件编号或证照编号", "不可篡改的存证日志"],
        ),
        ("/search/", ["Smart guidance", "Try:"], ["智能导办", "试试："]),
        (
            "/register/",
            ["Register", "ID card number", "Check and send the code"],
            ["实名注册", "居民身份证号码", "核验并发送验证码", "向公安部门核验"],
        ),
        (
            "/inspections/",
            ["Random inspections, published", "Inspection plans", "Decisions on tender complaints"],
            ["双随机一公开", "抽查计划", "招标投标投诉处理决定"],
        ),
    ]


@pytest.mark.django_db
def test_public_pages_speak_english_after_the_switch(client):
    english_client(client)
    for url, english, chinese in pages():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'lang="en"' in page, url
        for words in [*CHROME_EN, *english]:
            assert words in page, (url, words)
        for label in [*CHROME_ZH, *chinese]:
            assert label not in page, (url, label)


@pytest.mark.django_db
def test_kiosk_search_speaks_english_inside_the_kiosk_frame(client):
    english_client(client)
    page = client.get("/kiosk/search/").content.decode()
    assert 'lang="en"' in page and "Backspace" in page and "Clear" in page
    for label in ["退格", "清空", "拼音字母键盘", "Staff login", "Applicant login"]:
        assert label not in page


@pytest.mark.django_db
def test_switching_back_restores_chinese(client):
    english_client(client)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get("/console/login/").content.decode()
    assert "工作人员登录" in page and "用户名" in page and "Staff login" not in page


# --- the catalog files --------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr, msgstr[n], flags."""
    entries: list[dict] = []
    entry: dict = {"flags": set()}
    field = None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set()}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            field = match.group(1)
            if field in {"msgctxt", "msgid"} and "msgid" in entry:
                finish()
            entry[field] = ast.literal_eval(match.group(2))
        else:
            assert line.startswith('"') and field, f"unexpected line in {path.name}: {raw!r}"
            entry[field] += ast.literal_eval(line)
    finish()
    return entries


def write_mo(entries: list[dict], path: Path) -> None:
    """What msgfmt writes, for the entries msgfmt keeps (translated, not fuzzy)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if "fuzzy" in e["flags"]:
            continue
        key = e["msgid"]
        if "msgctxt" in e:
            key = e["msgctxt"] + "\x04" + key
        if "msgid_plural" in e:
            strs = [e[k] for k in sorted(k for k in e if k.startswith("msgstr["))]
            if not all(strs):
                continue
            messages[(key + "\0" + e["msgid_plural"]).encode()] = "\0".join(strs).encode()
        elif e["msgstr"]:
            messages[key.encode()] = e["msgstr"].encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    start = 7 * 4 + 16 * len(keys)
    key_table, value_table = [], []
    for id_offset, id_len, str_offset, str_len in offsets:
        key_table += [id_len, start + id_offset]
        value_table += [str_len, start + len(ids) + str_offset]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    table = struct.pack(f"{len(key_table)}i", *key_table)
    table += struct.pack(f"{len(value_table)}i", *value_table)
    path.write_bytes(header + table + ids + strs)


def catalog(path: Path) -> dict:
    """A .mo file's messages; of its header (msgfmt drops some lines) only the plural rule."""
    with path.open("rb") as f:
        messages = dict(gettext.GNUTranslations(f)._catalog)
    header = messages.pop("")
    messages[""] = re.search(r"^Plural-Forms:.*$", header, re.M).group(0)
    return messages


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}", text))


def test_every_message_is_translated_and_not_fuzzy():
    entries = read_po(PO)
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 300
    header = next(e for e in entries if not e["msgid"])
    assert "Language: en" in header["msgstr"] and "fuzzy" not in header["flags"]
    for e in messages:
        assert "fuzzy" not in e["flags"], e["msgid"]
        translations = [e[k] for k in e if k.startswith("msgstr")]
        assert translations and all(t.strip() for t in translations), e["msgid"]
        for t in translations:
            assert placeholders(t) == placeholders(e["msgid"]), (e["msgid"], t)
            assert t != e["msgid"], f"left in Chinese: {t}"


def test_committed_mo_matches_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    write_mo(read_po(PO), fresh)
    expected, committed = catalog(fresh), catalog(MO)
    assert set(committed) == set(expected), "django.mo is stale: run compilemessages"
    assert committed == expected, "django.mo is stale: run compilemessages"
