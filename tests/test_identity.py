from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from packet.dates import DateOrder
from packet.identity import Identity, Match, compare, fold, header_identity, name_parts

BORN = dt.date(1958, 7, 23)
MARIA = Identity("María José Núñez-O'Brien", BORN)


def test_a_scanner_name_without_accents_in_last_first_order_is_the_same_patient() -> None:
    assert compare(MARIA, Identity("NUNEZ-OBRIEN^MARIA JOSE", BORN)) is Match.SAME


def test_last_comma_first_with_an_initial_is_the_same_patient() -> None:
    ana = Identity("Ana Maria Example", dt.date(1961, 4, 2))
    assert compare(ana, Identity("Example, Ana M.", dt.date(1961, 4, 2))) is Match.SAME
    assert compare(ana, Identity("EXAMPLE^ANA", None)) is Match.SAME


def test_a_different_date_of_birth_is_another_patient_even_with_the_same_name() -> None:
    assert compare(MARIA, Identity("Maria Jose Nunez-OBrien", dt.date(1930, 1, 1))) is (
        Match.DIFFERENT
    )


def test_a_different_name_and_date_of_birth_is_another_patient() -> None:
    assert compare(MARIA, Identity("OTHER^SOMEONE", dt.date(1970, 1, 1))) is Match.DIFFERENT


def test_a_different_name_with_the_same_birth_date_is_uncertain_not_silent() -> None:
    assert compare(MARIA, Identity("Maria Gonzalez", BORN)) is Match.UNCERTAIN


def test_a_shared_first_name_alone_is_not_the_same_patient() -> None:
    assert compare(MARIA, Identity("Maria Smith", None)) is Match.DIFFERENT


def test_folding_removes_accents_case_and_apostrophes() -> None:
    assert fold("Núñez-O’Brien") == "nunez-obrien"
    assert name_parts("NUNEZ-OBRIEN^MARIA JOSE") == ["nunez", "obrien", "maria", "jose"]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñç'", min_size=2, max_size=8).filter(
    lambda w: len(fold(w)) >= 2
)


@given(first=words, last=words, upper=st.booleans())
def test_any_order_and_case_of_the_same_words_is_the_same_patient(
    first: str, last: str, upper: bool
) -> None:
    ours = Identity(f"{first} {last}", BORN)
    scanner = f"{last}^{first}"
    for theirs in (scanner.upper() if upper else scanner, f"{last}, {first}"):
        assert compare(ours, Identity(theirs, BORN)) is Match.SAME


@given(name=st.text(max_size=30))
def test_folding_never_crashes_and_is_idempotent(name: str) -> None:
    assert fold(fold(name)) == fold(name)


def test_header_lines_give_the_name_and_birth_date_in_the_documents_date_order() -> None:
    text = "Memorial Hospital\nPatient: Ana Example    DOB: 02/04/1961   MRN 123\n"
    assert header_identity(text, DateOrder.DAY_FIRST) == Identity(
        "Ana Example", dt.date(1961, 4, 2)
    )
    other = header_identity("Name: EXAMPLE, ANA  MRN: 0048\nD.O.B.: April 2, 1961\n")
    assert other == Identity("EXAMPLE, ANA", dt.date(1961, 4, 2))


def test_a_name_in_prose_is_not_read_as_the_header() -> None:
    prose = "The patient was born in Spain and has a sister, Maria; patient: see above notes."
    assert header_identity(prose) == Identity("", None)
