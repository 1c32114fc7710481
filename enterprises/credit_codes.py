"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration-authority code, organisation-type code, 6-digit division code,
9-character organisation code (GB 11714) and a check character computed over the first 17.
"""

from django.core.exceptions import ValidationError
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
        return f"应为18位，实际{len(code)}位 (must be 18 characters)"
    bad = sorted({char for char in code if char not in _VALUE})
    if bad:
        return f"含非法字符 {''.join(bad)} (characters outside the GB 32100 alphabet)"
    if not code[2:8].isdigit():
        return "第3-8位应为行政区划码数字 (positions 3-8 must be a division code)"
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        return f"校验位应为 {expected}，实际为 {code[17]} (check character does not verify)"
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(
            _("统一社会信用代码无效：%(problem)s"), code="invalid_credit_code", params={"problem": problem}
        )
