"""Personal identity numbers are found in every written form; organisation numbers and noise are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from ckanext.openup.procurement.identity import (
    HENKILOTUNNUS,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    classify_identity_number,
    find_identity_numbers,
    organisation_number_problem,
)

PERSON = "8112189876"  # the classic Swedish test personnummer


def with_check_digit(nine: str) -> str:
    return nine + luhn.calc_check_digit(nine)


def hetu(ddmmyy: str, sign: str, individual: str) -> str:
    return ddmmyy + sign + individual + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(ddmmyy + individual) % 31]


@pytest.mark.parametrize(
    "written",
    [
        "811218-9876",
        "8112189876",
        "19811218-9876",
        "198112189876",
        "Anna 811218-9876 AB",
        "(811218-9876)",
        "811218 9876",
        "19811218 9876",
        "Anna 811218\u00a09876",
    ],
)
def test_personnummer_found_in_every_written_form(written):
    assert [number.kind for number in find_identity_numbers(written)] == [PERSONNUMMER]


def test_space_separated_number_keeps_its_position_for_redaction():
    [number] = find_identity_numbers("Anna 811218 9876 AB")
    assert "Anna 811218 9876 AB"[number.start : number.end] == "811218 9876"


@pytest.mark.parametrize("text", ["556016 0680", "Faktura 123456 7890", "2024 1302,03", "12 345 678,90"])
def test_space_separated_organisation_and_other_numbers_are_not_people(text):
    assert find_identity_numbers(text) == []


def test_plus_separator_marks_a_centenarian_and_is_still_a_personnummer():
    number = "101010+" + with_check_digit("101010123")[6:]
    assert classify_identity_number(number) == PERSONNUMMER


def test_samordningsnummer_day_plus_sixty_is_found():
    number = with_check_digit("811278987")
    assert classify_identity_number(number) == SAMORDNINGSNUMMER
    assert classify_identity_number(number[:6] + "-" + number[6:]) == SAMORDNINGSNUMMER


@pytest.mark.parametrize("organisation_number", ["2120001355", "5560160680", "212000-1355", "5566778899"])
def test_organisation_number_is_never_a_person(organisation_number):
    assert find_identity_numbers(organisation_number) == []


@given(st.from_regex(r"[0-9]{2}[2-9][0-9]{6}", fullmatch=True))
def test_no_number_with_third_digit_two_or_more_is_a_personnummer(nine):
    assert classify_identity_number(with_check_digit(nine)) is None


def test_wrong_check_digit_is_not_a_person():
    assert find_identity_numbers("8112189877") == []


@pytest.mark.parametrize("impossible", ["811332987", "810230987", "20|291231987"])
def test_impossible_or_future_birth_date_is_not_a_person(impossible):
    century, _, nine = impossible.rpartition("|")
    assert find_identity_numbers(century + with_check_digit(nine)) == []


def test_other_scripts_digits_spell_the_same_personnummer():
    # Arabic-Indic digits are the same number to a reader: they are found (and redacted) too.
    assert [number.kind for number in find_identity_numbers("٨١١٢١٨-٩٨٧٦")] == [PERSONNUMMER]


def test_digits_inside_a_longer_number_are_not_a_personnummer():
    assert find_identity_numbers("123" + PERSON + "45") == []


@pytest.mark.parametrize("sign", list("+-ABCDEFYXWVU"))
def test_henkilotunnus_found_with_every_century_sign(sign):
    code = hetu("131052", sign, "308")
    assert [number.kind for number in find_identity_numbers(f"Maksu {code}")] == [HENKILOTUNNUS]


def test_henkilotunnus_with_wrong_check_character_is_not_a_person():
    code = hetu("131052", "-", "308")
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert find_identity_numbers(wrong) == []


def test_y_tunnus_is_not_a_person_and_is_checked():
    assert find_identity_numbers("0144411-3") == []
    assert organisation_number_problem("0144411-3", "fi") is None
    assert "Y-tunnus" in organisation_number_problem("0144411-4", "fi")


def test_iso_date_and_a_number_after_a_space_are_not_a_personnummer():
    number = with_check_digit("240607420")  # 2024-06-07 and a valid check digit
    assert find_identity_numbers(f"Avser 2024-06-07 {number[6:]}") == []
    assert [n.kind for n in find_identity_numbers(f"Avser 2024-06-07-{number[6:]}")] == [PERSONNUMMER]
    assert [n.kind for n in find_identity_numbers(f"Avser 20240607 {number[6:]}")] == [PERSONNUMMER]


def test_organisation_number_with_wrong_check_digit_is_named_as_such():
    assert organisation_number_problem("2120001355", "se") is None
    assert "check digit" in organisation_number_problem("2120001356", "se")
    assert "not an organisationsnummer" in organisation_number_problem("LEV-1234", "se")
