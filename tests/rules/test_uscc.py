"""GB 32100-2015 unified social credit code: check character, structure, messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anjian.rules.uscc import (
    ALPHABET,
    AUTHORITIES,
    CATEGORIES,
    WEIGHTS,
    InvalidUSCC,
    is_valid_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)

# Codes built for these tests (fictitious bodies "MA5F0000n"), check characters computed with
# the standard's rule. The first one is worked by hand in ``test_hand_computed_example``.
CONSTRUCTED_VALID = [
    "91440300MA5F00001A",  # 工商 / 企业, registered in Shenzhen (440300)
    "92440305MA5F0000X6",  # 工商 / 个体工商户, Nanshan (440305)
    "52440300MA5F00002E",  # 民政 / 民办非企业单位
    "11100000MA0000001Q",  # 机构编制 / 机关, national registration (100000)
    "N2440307MA5F000035",  # 农业 / 村级集体经济组织
    "Y1440300MA5F00004X",  # 其他
]

# A widely published sample code (Fuzhou, 350100); its organisation-code part is also valid.
PUBLISHED_EXAMPLE = "91350100M000100Y43"


def test_alphabet_and_weights_follow_the_standard() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)
    assert "".join(sorted(ALPHABET)) == ALPHABET
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_hand_computed_example() -> None:
    # 9 1 4 4 0 3 0 0 M  A  5 F  0 0 0 0 1 ; M=21 A=10 F=15
    values = [9, 1, 4, 4, 0, 3, 0, 0, 21, 10, 5, 15, 0, 0, 0, 0, 1]
    total = sum(v * w for v, w in zip(values, WEIGHTS, strict=True))
    assert total == 9 + 3 + 36 + 108 + 0 + 78 + 0 + 0 + 420 + 290 + 125 + 195 + 0 + 0 + 0 + 0 + 28
    assert total % 31 == 21
    assert ALPHABET[31 - 21] == "A"
    assert uscc_check_char("91440300MA5F00001") == "A"


@pytest.mark.parametrize("code", [*CONSTRUCTED_VALID, PUBLISHED_EXAMPLE])
def test_valid_codes(code: str) -> None:
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


def test_published_example_organisation_code() -> None:
    assert org_code_check_char(PUBLISHED_EXAMPLE[8:16]) == PUBLISHED_EXAMPLE[16]
    assert validate_uscc(PUBLISHED_EXAMPLE, check_org_code=True) == PUBLISHED_EXAMPLE


def test_org_code_check_when_asked() -> None:
    code = "91440300MA5F00001A"  # body MA5F0000 → GB 11714 check would not be "1"
    assert validate_uscc(code) == code
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc(code, check_org_code=True)
    assert err.value.reason == "org_code"
    assert err.value.position == 17


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  91440300ma5f00001a ", "91440300MA5F00001A"),
        ("９１４４０３００ＭＡ５Ｆ００００１Ａ", "91440300MA5F00001A"),  # full-width
        ("\u300091440300MA5F00001A\u200b", "91440300MA5F00001A"),  # ideographic space, zero-width
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    assert validate_uscc(raw) == expected


def test_empty() -> None:
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc("   ")
    assert err.value.reason == "empty"


@pytest.mark.parametrize(("code", "length"), [("91440300MA5F0000", 16), ("91440300MA5F00001AB", 19)])
def test_length(code: str, length: int) -> None:
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc(code)
    assert err.value.reason == "length"
    assert f"实际为{length}位" in err.value.zh
    assert f"got {length}" in err.value.en
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("code", "position", "char"),
    [
        ("91440300MA5F0000IA", 17, "I"),  # letter I (looks like 1)
        ("91440300MA5FOOOO1A", 13, "O"),  # letter O for zero
        ("91440300MA5F-0001A", 13, "-"),
        ("91440300MA5F 0001A", 13, "U+0020"),
    ],
)
def test_bad_character_position(code: str, position: int, char: str) -> None:
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc(code)
    assert err.value.reason == "character"
    assert err.value.position == position
    assert f"第{position}位" in err.value.zh
    assert f"position {position}" in err.value.en
    assert char in err.value.en


def test_lookalike_hint() -> None:
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc("91440300MA5F0000IA")
    assert "did you mean '1'" in err.value.en


def test_unknown_authority() -> None:
    first17 = "B1440300MA5F00001"
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc(first17 + uscc_check_char(first17))
    assert (err.value.reason, err.value.position) == ("authority", 1)
    assert "登记管理部门" in err.value.zh


def test_category_not_allowed_for_authority() -> None:
    first17 = "94440300MA5F00001"  # 工商 has types 1, 2, 3 only
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc(first17 + uscc_check_char(first17))
    assert (err.value.reason, err.value.position) == ("category", 2)
    assert "1、2、3" in err.value.zh
    assert "1, 2, 3" in err.value.en


@pytest.mark.parametrize(("first17", "position"), [("914403A0MA5F00001", 7), ("91990300MA5F00001", 3)])
def test_division_code(first17: str, position: int) -> None:
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc(first17 + uscc_check_char(first17))
    assert (err.value.reason, err.value.position) == ("division", position)


def test_check_character_message_names_expected_and_actual() -> None:
    with pytest.raises(InvalidUSCC) as err:
        validate_uscc("91440300MA5F00001B")
    assert (err.value.reason, err.value.position) == ("check", 18)
    assert "应为“A”，实际为“B”" in err.value.zh
    assert "should be 'A', got 'B'" in err.value.en
    assert " / " in str(err.value)


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(InvalidUSCC):
        uscc_check_char("9144")
    with pytest.raises(InvalidUSCC) as err:
        uscc_check_char("91440300MA5F0000I")
    assert err.value.position == 17


# --- properties -------------------------------------------------------------------------------

alphabet_chars = st.sampled_from(ALPHABET)
first17s = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def _checksum_ok(code: str) -> bool:
    # Independent restatement of §4.2: with weight 1 for position 18, the weighted sum is 0 mod 31.
    values = [ALPHABET.index(c) for c in code]
    return (sum(v * w for v, w in zip(values, (*WEIGHTS, 1), strict=True))) % 31 == 0


@given(first17s)
def test_computed_check_char_satisfies_checksum(first17: str) -> None:
    assert _checksum_ok(first17 + uscc_check_char(first17))


@given(first17s, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=30))
def test_any_single_change_breaks_checksum(first17: str, index: int, shift: int) -> None:
    code = first17 + uscc_check_char(first17)
    changed = ALPHABET[(ALPHABET.index(code[index]) + shift) % 31]
    mutated = code[:index] + changed + code[index + 1 :]
    assert mutated != code
    assert not _checksum_ok(mutated)


@given(first17s, st.integers(min_value=0, max_value=16))
def test_adjacent_swaps_are_caught(first17: str, index: int) -> None:
    code = first17 + uscc_check_char(first17)
    swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
    if swapped != code:
        assert not _checksum_ok(swapped)


@st.composite
def structured_first17(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from(sorted(AUTHORITIES)))
    category = draw(st.sampled_from(sorted(CATEGORIES[authority])))
    division = draw(st.sampled_from(["100000", "110105", "440300", "440305", "650100", "820000"]))
    body = draw(st.text(alphabet=ALPHABET, min_size=9, max_size=9))
    return authority + category + division + body


@given(structured_first17())
def test_structured_codes_validate(first17: str) -> None:
    code = first17 + uscc_check_char(first17)
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@given(structured_first17(), st.integers(min_value=0, max_value=17), alphabet_chars)
def test_single_change_never_validates(first17: str, index: int, replacement: str) -> None:
    code = first17 + uscc_check_char(first17)
    mutated = code[:index] + replacement + code[index + 1 :]
    if mutated != code:
        assert not is_valid_uscc(mutated)
