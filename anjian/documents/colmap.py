"""Matching a ledger's header cells to an import's fields (列对应).

A column is matched, in this order of confidence: by one of the field's accepted labels
(``ImportSpec.headers``) or known synonyms (``ImportSpec.synonyms``) after ``header_key``
normalisation (full-width, spaces, ``*`` and ``(必填)`` markers, case); by the same after the
usual ledger affixes are dropped (``是否``/``有无`` in front, a unit in brackets, ``(万元)``);
by containment (``详细地址`` holds ``地址``) and by closeness of the two texts (``从业人员数`` ≈
``从业人数``, difflib ratio). Each field takes at most one column, the most confident first; a
column matched by nothing stays unmapped and is listed for the person to map or to leave out.

Pure Python (no Django): the mapping page, the job and the ``anjian import`` command use it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from anjian.documents.tabular import header_key

__all__ = ["IGNORED_HEADERS", "Suggestion", "match_score", "suggest_mapping"]

_PREFIXES: Final = ("是否涉及", "是否存在", "是否属于", "是否为", "是否有", "是否", "有无", "有否")
_BRACKETS: Final = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")
CLOSE_ENOUGH: Final = 0.74
# Columns the platform itself adds to a workbook it hands back (the error column): never data.
IGNORED_HEADERS: Final = frozenset({header_key("错误 Errors"), header_key("错误"), header_key("errors")})


def _bare(text: str) -> str:
    """``header_key`` text without the ledger affixes that do not change the meaning."""
    text = _BRACKETS.sub("", text)
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
            break
    return text.rstrip("?？")


def match_score(column: str, label: str) -> float:
    """How well the header ``column`` matches the accepted ``label`` (0 … 1)."""
    a, b = header_key(column), header_key(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ba, bb = _bare(a), _bare(b)
    if ba == bb:
        return 0.95
    if len(bb) >= 2 and bb in ba:
        return 0.7 + 0.25 * len(bb) / len(ba)
    if len(ba) >= 2 and ba in bb:
        return 0.65 + 0.25 * len(ba) / len(bb)
    return difflib.SequenceMatcher(None, ba, bb).ratio() * 0.95


@dataclass(frozen=True)
class Suggestion:
    """One column's proposed field: ``key`` (``None``: unmapped), ``how`` it was found
    (``saved``, ``exact``, ``close``) and the ``score``."""

    index: int
    label: str
    key: str | None
    how: str = ""
    score: float = 0.0


def suggest_mapping(
    columns: Sequence[tuple[int, str]],
    fields: Mapping[str, Sequence[str]],
    synonyms: Mapping[str, Sequence[str]] | None = None,
    saved: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """Propose a field for each ``(index, label)`` header cell. ``fields`` maps each key to its
    accepted labels, ``synonyms`` adds more labels per key, ``saved`` is a mapping the person
    saved for this source (label → key; ``""`` for a column they chose to leave out)."""
    saved_keys = {header_key(label): key for label, key in (saved or {}).items()}
    labels: dict[str, list[str]] = {k: [*v, *((synonyms or {}).get(k, ()))] for k, v in fields.items()}
    out: dict[int, Suggestion] = {}
    taken: set[str] = set()
    candidates: list[tuple[float, int, str]] = []
    for index, label in columns:
        norm = header_key(label)
        if norm in saved_keys and (saved_keys[norm] in fields or saved_keys[norm] == ""):
            key = saved_keys[norm] or None
            if key is None or key not in taken:
                out[index] = Suggestion(index, label, key, "saved", 1.0)
                if key:
                    taken.add(key)
                continue
        if norm in IGNORED_HEADERS:
            out[index] = Suggestion(index, label, None, "ignored", 0.0)
            continue
        for key, accepted in labels.items():
            best = max((match_score(label, a) for a in accepted), default=0.0)
            if best >= CLOSE_ENOUGH:
                candidates.append((best, index, key))
    # The most confident pairs first; on a tie the earlier column and the field order decide.
    order = {k: i for i, k in enumerate(fields)}
    for score, index, key in sorted(candidates, key=lambda c: (-c[0], c[1], order[c[2]])):
        if index in out or key in taken:
            continue
        out[index] = Suggestion(index, dict(columns)[index], key, "exact" if score >= 0.95 else "close", round(score, 3))
        taken.add(key)
    return [out.get(index) or Suggestion(index, label, None) for index, label in columns]
