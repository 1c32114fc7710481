"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration-authority code, organisation-type code, 6-digit division code,
9-character organisation code (GB 11714) and a check character computed over the first 17.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The standard's 31-character alphabet: digits and upper-case letters without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def credit_code_check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, or None when it is."""
    if len(code) != 18:
        return gettext("应为18位，实际%(length)s位") % {"length": len(code)}
    bad = sorted({char for char in code if char not in _VALUE})
    if bad:
        return gettext("含非法字符 %(chars)s") % {"chars": "".join(bad)}
    if not code[2:8].isdigit():
        return gettext("第3-8位应为行政区划码数字")
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        return gettext("校验位应为 %(expected)s，实际为 %(actual)s") % {"expected": expected, "actual": code[17]}
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(
            _("统一社会信用代码无效：%(problem)s"), code="invalid_credit_code", params={"problem": problem}
        )
