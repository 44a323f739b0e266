from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Passwords must mix at least three of: lower case, upper case, digits, other characters."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
        )
        if classes < 3:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字和符号中的至少三类。"), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字和符号中的至少三类。")
