"""The vendor-aware version comparator and the affected-range syntax."""

import pytest

from sasms.proactive.versions import Incomparable, compare, parse, parse_ranges


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("2.8", "2.72"),  # dotted numbers compare part by part, not as decimals
        ("1.9", "1.10.2"),
        ("U46 v2.76 (02/10/2023)", "U46 v2.90 (01/23/2024)"),  # HPE system ROM with its date
        ("P89 v2.76", "P89 v2.80"),
        ("A09", "A10"),  # Dell revisions
        ("iDRAC 7.00.00.171", "7.00.00.172"),  # the product word in front is dropped
        ("5.1.4", "5.1.4 Build 26"),
        ("5.1.4 Build 3", "5.1.4 Build 26"),
        ("9.1.0 Build 4", "9.1.0 Build 36"),
        ("0x0A", "0x0D"),  # hexadecimal
        ("2.44", "2.46 May 11 2021"),  # iLO with its release date
        ("iLO 5 v2.44", "2.46"),  # a product and its generation before " v"
        ("ex235a.bios-1.3.6", "ex235a.bios-1.10.0"),  # Cray: a code prefix is the family
        ("1.0rc1", "1.0"),
        ("1.0.alpha", "1.0"),
        ("08.50.78", "08.60.10"),
        ("1.45.455b66-rev4", "1.45.455b66-rev5"),
    ],
)
def test_older_is_older(older: str, newer: str) -> None:
    assert compare(older, newer) == -1
    assert compare(newer, older) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1.0", "1.0.0"),
        ("7.00.00.171", "7.0.0.171"),
        ("U46 v2.90", "2.90"),  # a side without a family compares with any family
        ("U46 v2.90 (01/23/2024)", "U46 v2.90"),  # the date breaks ties only when both have one
        ("iDRAC 7.00.00.171", "7.00.00.171"),
        ("iLO 5 v2.46", "2.46 May 11 2021"),
    ],
)
def test_equal(left: str, right: str) -> None:
    assert compare(left, right) == 0


def test_the_release_date_breaks_a_tie_when_both_carry_one() -> None:
    assert compare("A43 v2.40 (02/23/2021)", "A43 v2.40 (10/29/2021)") == -1


@pytest.mark.parametrize(("left", "right"), [("P89 v2.76", "U46 v2.90"), ("undefined", "1.0"), ("1.0", "")])
def test_incomparable(left: str, right: str) -> None:
    with pytest.raises(Incomparable):
        compare(left, right)


def test_packaging_is_used_only_for_plain_versions() -> None:
    # PEP 440 would read "455b66-rev4" as a beta with a post-release; the token rule does not.
    assert not hasattr(parse("1.45.455b66-rev4").key, "release")
    assert hasattr(parse("1.10.2").key, "release")


def test_ranges() -> None:
    ranges = parse_ranges(">=2.40, <2.52; 3.0 - 3.1\n4.5")
    verdicts = {
        v: ranges.admits(parse(v)) for v in ["2.39", "2.40", "2.51", "2.52", "3.0", "3.1", "3.2", "4.5"]
    }
    assert verdicts == {
        "2.39": False,
        "2.40": True,
        "2.51": True,
        "2.52": False,
        "3.0": True,
        "3.1": True,
        "3.2": False,
        "4.5": True,
    }
    assert parse_ranges("< U46 v2.90").admits(parse("U46 v2.76 (02/10/2023)"))


@pytest.mark.parametrize("text", ["<", ">= abc", "1.0 - undefined"])
def test_bad_ranges_are_refused(text: str) -> None:
    with pytest.raises(Incomparable):
        parse_ranges(text)
