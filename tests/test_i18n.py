"""The English catalogue is complete and compiled, and pages render in English when asked to.

The .po file is read with a small parser of our own (no polib at test time); the compiled .mo is
read with the standard library's ``gettext`` so that a catalogue edited but not compiled fails too.
"""

from __future__ import annotations

import ast
import gettext
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import anjian

LC_DIR = Path(anjian.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO = LC_DIR / "django.po"
MO = LC_DIR / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%%|%[sd]")
# Translations that deliberately keep Chinese: examples of Chinese text the user must type.
# Translations that must quote Chinese: an example document prefix, and a ledger cell value users type.
KEEPS_CHINESE = {
    "检查对象和执法人员均由系统按公布的随机种子抽取，任何人可按种子复核（国办发〔2015〕58号）。",  # cites the document number
    "如：深安委办",
    "如：深福应急责改",
    "文号格式按 GB/T 9704-2012：机关代字〔年份〕序号号，如 %(example)s。每个序列每年从 1 号起编，已取用的文号不会重复使用。",
    "“已整改”的行按已销号导入（须填写整改完成时间）；未整改的行生成整改待办，未填整改期限的按规定期限计算。",
}


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


def parse_po(text: str) -> list[Entry]:
    """A minimal reader for the gettext PO format: enough for what makemessages writes."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None  # (keyword, plural index) the continuation lines belong to

    def flush() -> None:
        nonlocal entry
        if entry.msgstr or entry.msgid or entry.msgctxt is not None:
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
            current = None
            continue
        if line.startswith("#~"):  # an obsolete entry: read it, but mark it
            entry.obsolete = True
            line = line[2:].strip()
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            keyword, index, literal = match.group(1), int(match.group(2) or 0), match.group(3)
            if keyword == "msgid" and (entry.msgid or entry.msgstr):
                flush()
            entry.line = entry.line or number
            current = (keyword, index)
            value = ast.literal_eval(literal)
        elif line.startswith('"') and current is not None:
            keyword, index = current
            value = ast.literal_eval(line)
        else:
            raise AssertionError(f"django.po line {number}: cannot parse {raw!r}")
        if keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif keyword == "msgid":
            entry.msgid += value
        elif keyword == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
    flush()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return [e for e in parse_po(PO.read_text(encoding="utf-8")) if not e.obsolete]


def test_parser_reads_entries_flags_and_continuations() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py\n#, fuzzy, python-format\nmsgid "共 %(n)s 条"\nmsgstr ""\n"%(n)s in "\n"total"\n\n'
        'msgctxt "pagination"\nmsgid "首页"\nmsgstr "First"\n\n'
        'msgid "一"\nmsgid_plural "多"\nmsgstr[0] "one"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n'
    )
    header, counted, first, plural, old = parse_po(sample)
    assert (header.msgid, header.msgstr) == ("", {0: "Language: en\n"})
    assert (counted.msgid, counted.msgstr, counted.flags) == ("共 %(n)s 条", {0: "%(n)s in total"}, {"fuzzy", "python-format"})
    assert (first.msgctxt, first.msgid, first.msgstr) == ("pagination", "首页", {0: "First"})
    assert (plural.msgid_plural, plural.msgstr) == ("多", {0: "one", 1: ""})
    assert old.obsolete


def test_catalogue_has_no_fuzzy_or_untranslated_entries(po_entries: list[Entry]) -> None:
    header = [e for e in po_entries if e.msgid == "" and e.msgctxt is None]
    messages = [e for e in po_entries if e.msgid]
    assert len(header) == 1 and "Language: en\n" in header[0].msgstr[0]
    assert len(messages) > 1000  # the whole UI, not a sample
    fuzzy = [e.msgid for e in po_entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in messages if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert fuzzy == []
    assert untranslated == []
    for e in messages:
        if e.msgid_plural is not None:
            assert sorted(e.msgstr) == [0, 1], e.msgid


def test_translations_keep_placeholders_and_leave_no_chinese(po_entries: list[Entry]) -> None:
    wrong_placeholders = []
    still_chinese = []
    for e in po_entries:
        if not e.msgid:
            continue
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong_placeholders.append((e.msgid, text))
            if CJK.search(text) and e.msgid not in KEEPS_CHINESE:
                still_chinese.append((e.msgid, text))
    assert wrong_placeholders == []
    assert still_chinese == []


def test_compiled_catalogue_matches_the_po_file(po_entries: list[Entry]) -> None:
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in po_entries:
        if not e.msgid or e.msgid_plural is not None:
            continue
        compiled = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else mo.gettext(e.msgid)
        if compiled != e.msgstr[0]:
            stale.append((e.msgid, e.msgstr[0], compiled))
    assert stale == []  # run scripts/i18n.sh (or compilemessages -l en) after editing django.po


def test_django_uses_the_english_catalogue() -> None:
    with translation.override("en"):
        assert translation.gettext("企业档案") == "Enterprises"
        assert translation.gettext("重大隐患") == "Major hazard"
        assert translation.pgettext("pagination", "首页") == "First"
        assert translation.gettext("共 %(n)s 条") % {"n": 3} == "3 in total"
    with translation.override("zh-hans"):
        assert translation.gettext("企业档案") == "企业档案"


# ---- pages -------------------------------------------------------------------------------------

def _visible_text(fragment: str) -> str:
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S | re.I)
    attrs = " ".join(m.group(2) for m in re.finditer(r'\s(placeholder|title|aria-label)="([^"]*)"', fragment))
    text = re.sub(r"<[^>]+>", " ", fragment)
    return html.unescape(f"{text} {attrs}")


def _menu(page: str) -> str:
    start = page.index('id="aj-menu"')
    return page[start:page.index("</aside>", start)]


def _data_values(world) -> list[str]:
    """User content and place names in the test world: data, shown as entered, not UI text."""
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import Department, Jurisdiction

    values = [*Enterprise.objects.values_list("name", flat=True), *Jurisdiction.objects.values_list("name", flat=True),
              *Department.objects.values_list("name", flat=True)]
    return sorted(values, key=len, reverse=True)  # longest first: 甲区化工有限公司 before 甲区


def _leftover_chinese(text: str, world) -> list[str]:
    for value in _data_values(world):
        text = text.replace(value, " ")
    text = text.replace("中文", " ")  # the language switch names Chinese in Chinese, on purpose
    return re.findall(r"\S*[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+\S*", text)


@pytest.fixture
def english(login):
    def _client(persona: str):
        client = login(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _client


def test_home_page_in_english(english, world) -> None:
    response = english("district_a").get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    menu = _visible_text(_menu(page))
    for label in ("Workbench", "Home", "My to-dos", "Enterprises", "Master data"):
        assert label in menu
    assert "企业档案" not in menu
    assert _leftover_chinese(menu, world) == []
    assert "To-do" in page and "Log out" in page and "Work Safety Supervision" in page
    assert _leftover_chinese(_visible_text(page), world) == []


def test_enterprise_list_in_english(english, world) -> None:
    response = english("district_a").get("/enterprises/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    text = _visible_text(page)
    for label in ("Enterprises (one file per enterprise)", "Search", "Reset", "Export CSV", "Risk level",
                  "Key supervision", "Hazardous chemicals", "2 in total"):
        assert label in text
    assert "甲区化工有限公司" in text  # data stays as entered
    assert _leftover_chinese(text, world) == []


def test_chinese_remains_the_default(login, world) -> None:
    page = login("district_a").get("/enterprises/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert "企业档案（一企一档）" in page and "查询" in page and "Reset" not in page
