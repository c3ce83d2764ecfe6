import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.registry.iin import InvalidIIN, check_digit, make_iin, parse_iin


def test_decodes_birth_date_and_sex():
    number = make_iin(dt.date(1990, 3, 15), "F", 1234)
    decoded = parse_iin(number)
    assert (decoded.birth_date, decoded.sex) == (dt.date(1990, 3, 15), "F")
    assert number[6] == "4"  # 1900s, female


def test_second_weighting_is_used_when_the_first_gives_ten():
    # Eleven digits whose first weighted sum (weights 1..11) is 10 mod 11.
    first = next(
        f"9001013{serial:04d}"
        for serial in range(10000)
        if sum(int(c) * w for c, w in zip(f"9001013{serial:04d}", range(1, 12), strict=True)) % 11 == 10
    )
    digit = check_digit(first)
    weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
    second = sum(int(c) * w for c, w in zip(first, weights, strict=True)) % 11
    assert digit == (None if second == 10 else second)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "exactly 12 digits"),
        ("90031541234a", "exactly 12 digits"),
        ("900315712345", "must be 1 to 6"),
        ("901315412345", "real birth date"),
    ],
)
def test_invalid_numbers_say_why(number, message):
    with pytest.raises(InvalidIIN, match=message):
        parse_iin(number)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from("MF"),
    st.integers(0, 9999),
)
def test_every_made_number_parses_back_and_a_changed_digit_is_caught(birth, sex, serial):
    number = make_iin(birth, sex, serial)
    if number is None:
        return
    assert parse_iin(number).birth_date == birth
    mistyped = number[:11] + str((int(number[11]) + 1) % 10)
    with pytest.raises(InvalidIIN):
        parse_iin(mistyped)
