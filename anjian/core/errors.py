"""Domain errors: each carries a Chinese and an English message."""

from __future__ import annotations

from django.utils.translation import get_language


class DomainError(Exception):
    """A refused operation. ``zh`` and ``en`` are the two messages; ``str()`` follows the language."""

    status = 400

    def __init__(self, zh: str, en: str, *, field: str | None = None) -> None:
        self.zh = zh
        self.en = en
        self.field = field
        super().__init__(f"{zh} / {en}")

    @property
    def message(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.en if lang.startswith("en") else self.zh


class NotAllowed(DomainError):
    """The actor may see the object but not take this action."""

    status = 403


class NotFoundInScope(DomainError):
    """The object does not exist for this actor (outside its scope): shown as 404."""

    status = 404

    def __init__(self) -> None:
        super().__init__("对象不存在或不在您的管辖范围内", "Not found")


class InvalidTransition(DomainError):
    status = 409
