"""统一社会信用代码 validation (GB 32100-2015), on real published codes and corruptions of them."""

import pytest
from django.core.exceptions import ValidationError

from enterprises.credit_codes import credit_code_check_character, credit_code_problem, validate_credit_code

# Codes printed on the business licences of well-known firms (public information).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_verify(code):
    assert credit_code_problem(code) is None
    validate_credit_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_changing_any_single_character_is_detected(code):
    for position in range(17):
        original = code[position]
        replacement = "1" if original != "1" else "2"
        corrupted = code[:position] + replacement + code[position + 1 :]
        assert credit_code_problem(corrupted) is not None, corrupted


def test_swapping_two_adjacent_characters_is_detected():
    code = REAL_CODES[0]
    swapped = code[:5] + code[6] + code[5] + code[7:]
    assert credit_code_problem(swapped) is not None


def test_wrong_check_character_names_the_expected_one():
    assert credit_code_problem("914403001922038217") == "校验位应为 6，实际为 7"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91440300192203821", "应为18位"),
        ("9144030019220382160", "应为18位"),
        ("91440300192203821I", "非法字符 I"),  # I, O, S, V, Z are not in the alphabet
        ("914403001922O38216", "非法字符 O"),
        ("91AB0300192203821X", "第3-8位"),
    ],
)
def test_malformed_codes_say_why(code, reason):
    assert reason in credit_code_problem(code)


def test_lowercase_is_not_silently_accepted():
    assert credit_code_problem("9144030071526726xg") is not None


def test_validator_raises_a_validation_error():
    with pytest.raises(ValidationError):
        validate_credit_code("914403001922038217")


def test_check_character_of_a_computed_code():
    first17 = "91320500000000001"
    assert credit_code_problem(first17 + credit_code_check_character(first17)) is None
