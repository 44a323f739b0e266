"""The law library's catalogue and the registry of which rule cites which text."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from anjian.rules import laws


@pytest.mark.parametrize(("key", "day", "expected"), [
    ("yaglbf-2016", date(2016, 6, 30), False),   # not yet in force
    ("yaglbf-2016", date(2016, 7, 1), True),
    ("yaglbf-2016", date(2019, 8, 31), True),
    ("yaglbf-2016", date(2019, 9, 1), False),    # replaced by the 2019 amendment that day
    ("yaglbf-2019", date(2019, 9, 1), True),
    ("gbt29639-2013", date(2021, 3, 31), True),
    ("gbt29639-2013", date(2021, 4, 1), False),
    ("gbt29639-2020", date(2021, 4, 1), True),
    ("tfya-2013", date(2024, 1, 31), False),
    ("tfya-2024", date(2024, 1, 31), True),
    ("jjr-2025", date(2025, 12, 31), True),
    ("jjr-2025", date(2026, 1, 1), False),
])
def test_in_force(key, day, expected):
    assert laws.in_force(laws.law(key), day) is expected


def test_every_citation_names_a_rule_and_a_catalogue_entry():
    keys = {entry.key for entry in laws.LAWS}
    assert len(keys) == len(laws.LAWS)  # keys unique
    for rule, cites in laws.CITATIONS.items():
        module, _dot, name = rule.partition(".")
        assert hasattr(importlib.import_module(f"anjian.rules.{module}"), name), rule
        assert cites, rule
        for key, _article in cites:
            assert key in keys, (rule, key)


def test_replacements_point_forward():
    for entry in laws.LAWS:
        if entry.replaced_by:
            new = laws.law(entry.replaced_by)
            assert entry.repealed_on is not None and new.effective_on <= entry.repealed_on, entry.key
        if entry.repealed_on is not None:
            assert entry.repealed_on > entry.effective_on


def test_cited_by_and_citations_of():
    assert ("emergency.plan_filing_due", "第二十六条") in laws.cited_by("yaglbf-2019")
    assert ("emergency.drill_interval_months", "第八条") in laws.cited_by("yjtl-2019")
    assert laws.cited_by("yaglbf-2016") == []  # the repealed text backs no rule
    assert laws.citations_of("emergency.must_file") == (("yaglbf-2019", "第二十六条"), ("yjtl-2019", "第七条"))
    assert laws.citations_of("nothing.here") == ()
    with pytest.raises(KeyError):
        laws.law("no-such-law")
