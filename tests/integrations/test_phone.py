"""Chinese telephone numbers in the shapes exchanges send and people type."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasms.integrations.phone import InvalidNumber, match_key, parse


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "008613800138000",
        "8613800138000",
        "013800138000",
        "(+86) 138 0013 8000",
        "＋８６ １３８００１３８０００",
    ],
)
def test_spellings_of_one_mobile_number(text: str) -> None:
    number = parse(text)
    assert (number.kind, number.nsn, number.e164) == ("mobile", "13800138000", "+8613800138000")
    assert number.display == "+86 138 0013 8000"


@pytest.mark.parametrize(
    ("text", "nsn", "area"),
    [
        ("010-6234 5678", "1062345678", "10"),
        ("(010) 62345678", "1062345678", "10"),
        ("+86 10 6234 5678", "1062345678", "10"),
        ("0086 10 62345678", "1062345678", "10"),
        ("021-5555 1234", "2155551234", "21"),
        ("0755-8888 6666", "75588886666", "755"),
        ("0571 8765432", "5718765432", "571"),
        ("（010）62345678", "1062345678", "10"),
    ],
)
def test_landlines_lose_the_trunk_zero(text: str, nsn: str, area: str) -> None:
    number = parse(text)
    assert (number.kind, number.nsn, number.area_code) == ("landline", nsn, area)


def test_extensions_are_split_off() -> None:
    for text in ("010-62345678 转 801", "010-62345678 ext. 801", "01062345678#801", "010-62345678 分机801"):
        number = parse(text)
        assert (number.nsn, number.extension) == ("1062345678", "801")
    assert parse("010 62345678 转801").display == "+86 10 62345678 ext. 801"


def test_service_numbers_and_foreign_numbers() -> None:
    assert parse("400-820-0000").kind == "service"
    assert parse("400 820 0000").nsn == "4008200000"
    foreign = parse("+49 30 1234567")
    assert (foreign.kind, foreign.nsn, foreign.e164, match_key(foreign)) == (
        "international",
        "",
        "+49301234567",
        "+49301234567",
    )


def test_a_local_number_needs_its_area_code() -> None:
    with pytest.raises(InvalidNumber) as refused:
        parse("62345678")
    assert refused.value.field == "number"
    assert parse("62345678", area_code="010").nsn == "1062345678"
    with pytest.raises(InvalidNumber) as bad_area:
        parse("62345678", area_code="0")
    assert bad_area.value.field == "area_code"


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "1380013800a", "12", "1" * 30, "138-0013-8000; DROP TABLE", "0999 12"]
)
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidNumber):
        parse(text)


@given(
    prefix=st.sampled_from(["", "+86 ", "0086", "86"]),
    body=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    separator=st.sampled_from(["", " ", "-"]),
)
def test_any_spelling_of_a_mobile_number_has_the_same_key(prefix: str, body: str, separator: str) -> None:
    spaced = separator.join([body[:3], body[3:7], body[7:]])
    assert match_key(parse(prefix + spaced)) == body
    assert match_key(parse(parse(prefix + spaced).display)) == body
