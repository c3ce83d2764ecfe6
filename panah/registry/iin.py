"""The Kazakh individual identification number (IIN, ИИН / ЖСН).

12 digits: birth date as YYMMDD, one digit for century and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s;
odd male, even female), four serial digits and a check digit. The check digit is the weighted sum
of the first eleven digits mod 11 with weights 1..11; if that is 10, weights 3..11,1,2; if that is
10 again, the number is invalid (Government Resolution No. 565 of 11 June 2003).
python-stdnum has no module for it, so it lives here.
"""

import datetime as dt
from dataclasses import dataclass

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class InvalidIIN(ValueError):
    pass


@dataclass(frozen=True)
class IIN:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def check_digit(first_eleven: str) -> int | None:
    digits = [int(c) for c in first_eleven]
    value = sum(d * w for d, w in zip(digits, _WEIGHTS_1, strict=True)) % 11
    if value == 10:
        value = sum(d * w for d, w in zip(digits, _WEIGHTS_2, strict=True)) % 11
    return None if value == 10 else value


def parse_iin(raw: str) -> IIN:
    """Validate an IIN and decode its birth date and sex, or raise InvalidIIN saying why."""
    number = "".join(raw.split())
    if len(number) != 12 or not number.isdigit():
        raise InvalidIIN("An IIN has exactly 12 digits.")
    century_sex = int(number[6])
    if century_sex not in _CENTURY:
        raise InvalidIIN("The 7th digit of an IIN (century and sex) must be 1 to 6.")
    try:
        birth_date = dt.date(_CENTURY[century_sex] + int(number[0:2]), int(number[2:4]), int(number[4:6]))
    except ValueError as error:
        raise InvalidIIN("The first six digits of an IIN must be a real birth date (YYMMDD).") from error
    expected = check_digit(number[:11])
    if expected is None or expected != int(number[11]):
        raise InvalidIIN("The check digit of this IIN is wrong: the number was probably mistyped.")
    return IIN(number=number, birth_date=birth_date, sex="M" if century_sex % 2 else "F")


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN (for synthetic data and tests); None when the serial gives no check digit."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100] + (0 if sex == "M" else 1)
    first = f"{birth_date:%y%m%d}{century_digit}{serial % 10000:04d}"
    digit = check_digit(first)
    return None if digit is None else f"{first}{digit}"
