"""Counts are grouped in thousands with a comma in Chinese as in English: 1,556, not 1556."""

import datetime

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from sasms.analytics.kpis import Ratio
from sasms.analytics.views.cards import count_text, of_text

LANGUAGES = ["en", "zh-hans"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_grouped_number_has_thousands_separators(language: str) -> None:
    with translation.override(language):
        assert number_format(1556, force_grouping=True) == "1,556"
        assert number_format(12345678, force_grouping=True) == "12,345,678"
        assert intcomma(1556) == "1,556"
        assert Template('{{ n|floatformat:"2g" }}').render(Context({"n": 1234567.891})) == "1,234,567.89"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_number_that_is_no_count_stays_ungrouped(language: str) -> None:
    """Ids and years in links and form values must not turn into 1,556."""
    with translation.override(language):
        assert Template("{{ n }}").render(Context({"n": 1556})) == "1556"
        assert number_format(1556) == "1556"


def test_chinese_keeps_its_own_date_formats() -> None:
    with translation.override("zh-hans"):
        assert date_format(datetime.date(2026, 9, 5)) == "2026年9月5日"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,556 rows"), ("zh-hans", "共 1,556 行")],
)
def test_a_list_count_is_grouped(language: str, expected: str) -> None:
    """The same tag as the list templates (templates/core/_list_table.html)."""
    template = Template(
        "{% load humanize i18n %}{% blocktranslate count n=total with counter=total|intcomma %}"
        "{{ counter }} row{% plural %}{{ counter }} rows{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"total": 1556})) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1 row"), ("zh-hans", "共 1 行")],
)
def test_the_plural_still_follows_the_number(language: str, expected: str) -> None:
    template = Template(
        "{% load humanize i18n %}{% blocktranslate count n=total with counter=total|intcomma %}"
        "{{ counter }} row{% plural %}{{ counter }} rows{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"total": 1})) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_figures_are_grouped(language: str) -> None:
    with translation.override(language):
        assert count_text(1556) == "1,556"
        assert count_text(7) == "7"
    with translation.override("zh-hans"):
        assert of_text(Ratio(numerator=1556, denominator=20000)) == "20,000 中的 1,556"
