#!/usr/bin/env python3
"""Fill the English catalogue from JSON objects {Chinese msgid: English msgstr}, then compile it.

    scripts/i18n.sh                               # first: extract the new msgids
    scripts/i18n-fill.py translations.json ...    # fill them, drop fuzzy flags, compile
    scripts/i18n-fill.py --todo                   # list what is still untranslated or fuzzy
    scripts/i18n-fill.py --dump [FILE.po] > t.json # a catalogue as such a table

To settle a merge conflict in django.po: ``--dump`` both sides into tables, take either side's
file, run ``scripts/i18n.sh``, then fill from both tables. Maintainers only (needs GNU gettext).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "anjian" / "locale" / "en" / "LC_MESSAGES" / "django.po"
STRING = re.compile(r'^(?:msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])? ?"(.*)"$')


def unquote(line: str) -> str:
    body = STRING.match(line)
    assert body, line
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body.group(1))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def blocks(text: str) -> list[list[str]]:
    return [b.splitlines() for b in text.strip("\n").split("\n\n")]


def field(block: list[str], key: str) -> tuple[str, int, int] | None:
    """(value, first line, end line) of ``key`` in an entry, continuation lines included."""
    for i, line in enumerate(block):
        if line.startswith(key + " "):
            j = i + 1
            while j < len(block) and block[j].startswith('"'):
                j += 1
            return "".join(unquote(x) for x in block[i:j]), i, j
    return None


def entries(text: str):
    for block in blocks(text):
        msgid = field(block, "msgid")
        if msgid and msgid[0] and not any(line.startswith("msgctxt") for line in block):
            yield block, msgid[0]


def main(argv: list[str]) -> int:
    text = PO.read_text(encoding="utf-8")
    if argv[:1] == ["--dump"]:
        text = Path(argv[1]).read_text(encoding="utf-8") if len(argv) > 1 else text
        table = {}
        for block, msgid in entries(text):
            single = field(block, "msgstr")
            if single and single[0] and not any(x.startswith("#,") and "fuzzy" in x for x in block):
                table[msgid] = single[0]
        print(json.dumps(table, ensure_ascii=False, indent=0))
        return 0
    if argv == ["--todo"]:
        todo = 0
        for block, msgid in entries(text):
            strs = [field(block, k) for k in ("msgstr", "msgstr[0]", "msgstr[1]")]
            fuzzy = any(x.startswith("#,") and "fuzzy" in x for x in block)
            if fuzzy or any(s is not None and not s[0] for s in strs):
                todo += 1
                print(json.dumps(msgid, ensure_ascii=False) + ("  (fuzzy)" if fuzzy else ""))
        print(f"{todo} to translate", file=sys.stderr)
        return 1 if todo else 0
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    table: dict[str, str] = {}
    for name in argv:
        table.update(json.loads(Path(name).read_text(encoding="utf-8")))
    out = []
    for block in blocks(text):
        msgid = field(block, "msgid")
        single = field(block, "msgstr")
        fuzzy = any(x.startswith("#,") and "fuzzy" in x for x in block)
        if msgid and msgid[0] and single and table.get(msgid[0]) and (not single[0] or fuzzy):
            block = block[: single[1]] + [f"msgstr {quote(table[msgid[0]])}"] + block[single[2] :]
            block = [re.sub(r"fuzzy, |, fuzzy\b", "", x) for x in block if x != "#, fuzzy"]
        out.append("\n".join(block))
    PO.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "compilemessages", "-l", "en"], cwd=ROOT / "anjian",
                   check=True, env={**__import__("os").environ, "ANJIAN_TESTING": "1"}, stdout=subprocess.DEVNULL)
    return main(["--todo"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
