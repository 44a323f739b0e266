from __future__ import annotations

from anjian.rules.uscc import uscc_check_char


def uscc(n: int) -> str:
    first = f"91440300MA{n:07d}"
    return first + uscc_check_char(first)


def bad_uscc(n: int) -> str:
    good = uscc(n)
    wrong = "0" if good[-1] != "0" else "1"
    return good[:-1] + wrong
