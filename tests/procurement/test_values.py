"""Amounts and dates in every form seen in published files parse to exact values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.openup.procurement.values import format_amount, parse_amount, parse_date


@pytest.mark.parametrize(
    "text, amount",
    [
        ("1302.03", "1302.03"),
        ("-1302,03", "-1302.03"),
        ("3 270,50", "3270.50"),
        ("3\u00a0270,50", "3270.50"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234 567", "1234567"),
        ("\u2212250,5", "-250.5"),
        (" 42 ", "42"),
    ],
)
def test_amount_forms_parse_to_the_same_decimal(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "tusen", "12,34,56", "1e5", "NaN", "--1", "1.2.3,4,5"])
def test_non_amounts_are_rejected(text):
    assert parse_amount(text) is None


def test_xlsx_float_amount_keeps_its_decimal_value():
    assert parse_amount(1302.03) == Decimal("1302.03")
    assert parse_amount(True) is None


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_comma_with_space_thousands_round_trips(amount):
    whole, _, cents = format_amount(amount).partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", " ")
    assert parse_amount(f"{sign}{grouped},{cents}") == amount


@pytest.mark.parametrize(
    "text, date",
    [
        ("2024-01-31", datetime.date(2024, 1, 31)),
        ("2024-01-31 00:00:00", datetime.date(2024, 1, 31)),
        ("20240131", datetime.date(2024, 1, 31)),
        ("202401", datetime.date(2024, 1, 1)),
        ("2024-01", datetime.date(2024, 1, 1)),
        ("31.01.2024", datetime.date(2024, 1, 31)),
        ("1.2.2023", datetime.date(2023, 2, 1)),
    ],
)
def test_date_forms_parse_to_the_posting_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "igår", "31/01/2024", "1899-01-01", "2024-01-31x"])
def test_impossible_or_unknown_dates_are_rejected(text):
    assert parse_date(text) is None


def test_excel_datetime_is_a_date():
    assert parse_date(datetime.datetime(2024, 1, 15, 0, 0)) == datetime.date(2024, 1, 15)


def test_xlsx_day_number_without_date_format_is_a_date():
    assert parse_date(45306) == datetime.date(2024, 1, 15)
    assert parse_date(45306.0) == datetime.date(2024, 1, 15)
    assert parse_date(20240115) == datetime.date(2024, 1, 15)  # an integer YYYYMMDD stays one
    assert parse_date(12) is None
