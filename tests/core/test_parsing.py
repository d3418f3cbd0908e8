import pytest

from sasms.core.parsing import MAX_ID, is_ascii_digits, parse_id, parse_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (5, 5),
        ("¹", None),
        ("²3", None),
        ("٣", None),  # Arabic-Indic three: a digit to Python, not an id to us
        ("1\x00", None),
        ("0", None),
        ("-3", None),
        ("+3", None),
        ("9" * 30, None),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("", None),
        (None, None),
        (True, None),
        ("1e3", None),
    ],
)
def test_parse_id(value: object, expected: int | None) -> None:
    assert parse_id(value) == expected


def test_parse_int_bounds() -> None:
    assert parse_int("-5") == -5
    assert parse_int("-5", minimum=0) is None
    assert parse_int("600", maximum=525_600) == 600
    assert parse_int("9" * 30) is None


def test_ascii_digits() -> None:
    assert is_ascii_digits("0123")
    assert not is_ascii_digits("¹")
    assert not is_ascii_digits("１２")
