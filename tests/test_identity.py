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


def test_a_photo_read_as_nufez_obrien_with_our_birth_date_is_the_same_patient() -> None:
    # The observed case: Tesseract read the ñ of Núñez as an f.
    for read in ("Maria Jose Nufez-O'Brien", "NUFEZ-O'BRIEN, MARIA JOSE"):
        assert compare(MARIA, Identity(read, BORN), ocr=True) is Match.SAME


def test_an_ocr_misread_name_without_a_birth_date_is_uncertain_never_another_patient() -> None:
    assert compare(MARIA, Identity("Maria Jose Nufez-O'Brien", None), ocr=True) is (Match.UNCERTAIN)


def test_lookalike_letters_and_digits_read_by_ocr_are_the_same_patient() -> None:
    read_as = {
        "Carmen Romero": "Carrnen Rornero",  # m read as rn
        "Fernanda Moreno": "Femanda Moreno",  # rn read as m
        "Olga Romero": "0LGA R0MERO",  # O read as zero
        "Sabina Bosch": "5A8INA BOSCH",  # S and B read as 5 and 8
        "Claudia Mendez": "Clauclia Menclez",  # d read as cl
        "Wanda Howard": "VVanda Hovvard",  # w read as vv
        "Isabel Villalobos": "lsabel ViIlalobos",  # I and l swapped
    }
    for ours, read in read_as.items():
        assert compare(Identity(ours, BORN), Identity(read, BORN), ocr=True) is Match.SAME, read


def test_a_dropped_or_spurious_hyphen_or_space_read_by_ocr_is_the_same_patient() -> None:
    for read in ("Maria Jose NunezOBrien", "NUNEZOBRIEN^MARIA JOSE", "Maria Jose Nu nez-O'Brien"):
        assert compare(MARIA, Identity(read, BORN), ocr=True) is Match.SAME, read
        assert compare(MARIA, Identity(read, BORN)) is Match.UNCERTAIN, read


def test_a_name_one_misreading_away_in_a_text_layer_is_not_the_same_patient() -> None:
    # A text layer spells what was typed: Nufez there is someone else's name until confirmed.
    assert compare(MARIA, Identity("Maria Jose Nufez-O'Brien", BORN)) is Match.UNCERTAIN
    assert compare(MARIA, Identity("Maria Jose Nufez-O'Brien", None)) is Match.DIFFERENT


def test_a_twin_with_one_letter_changed_is_not_the_same_patient_even_under_ocr() -> None:
    # Mario and María born the same day with the same surname are twins, and a/o is not a
    # misreading OCR is forgiven for; nor is O'Brian a misreading of O'Brien (plain e, not é).
    for other in ("Mario José Núñez-O'Brien", "Maria Jose Nunez-O'Brian"):
        assert compare(MARIA, Identity(other, BORN), ocr=True) is Match.UNCERTAIN, other
        assert compare(MARIA, Identity(other, None), ocr=True) is Match.DIFFERENT, other


def test_a_similar_but_different_person_with_our_birth_date_stays_uncertain_under_ocr() -> None:
    # Nunez and Munoz are two edits apart and n/m and e/o are not lookalikes in the table.
    maria = Identity("Maria Nunez", BORN)
    assert compare(maria, Identity("Mario Munoz", BORN), ocr=True) is Match.UNCERTAIN
    assert compare(MARIA, Identity("Maria Gonzalez", BORN), ocr=True) is Match.UNCERTAIN
    assert compare(MARIA, Identity("Maria Gonzalez", None), ocr=True) is Match.DIFFERENT


def test_two_misreadings_in_a_five_letter_word_are_too_many() -> None:
    # ú read as a and ñ as f: each is forgivable alone, together they may be another name.
    assert compare(MARIA, Identity("Maria Jose Nafez-O'Brien", BORN), ocr=True) is (Match.UNCERTAIN)


def test_a_different_birth_date_is_another_patient_even_when_ocr_read_the_name() -> None:
    assert compare(MARIA, Identity("Maria Jose Nufez-O'Brien", dt.date(1958, 7, 24)), ocr=True) is (
        Match.DIFFERENT
    )


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


def test_header_labels_misread_by_ocr_are_still_read() -> None:
    photo = "Patlent: Maria Jose Nufez-O'Brien   D0B: 07/23/1958\n"
    assert header_identity(photo) == Identity("Maria Jose Nufez-O'Brien", BORN)
    scan = "Pt Narne: NUNEZ, MARIA\nDOB ; 07/23/1958\n"
    assert header_identity(scan) == Identity("NUNEZ, MARIA", BORN)


def test_a_name_in_prose_is_not_read_as_the_header() -> None:
    prose = "The patient was born in Spain and has a sister, Maria; patient: see above notes."
    assert header_identity(prose) == Identity("", None)


# OCR's misreadings as the table in identity.py lists them: (what we wrote, what OCR read).
LOOKALIKES = [
    ("o", "0"), ("s", "5"), ("b", "8"), ("l", "1"), ("i", "1"), ("l", "|"), ("i", "l"),
    ("l", "i"), ("m", "rn"), ("rn", "m"), ("d", "cl"), ("cl", "d"), ("w", "vv"), ("vv", "w"),
]  # fmt: skip
ACCENTED = "áéíóúñüç"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
name_words = st.lists(
    st.text(alphabet=LETTERS + ACCENTED, min_size=2, max_size=10), min_size=2, max_size=4
)


def misreadings_of(word: str) -> list[str]:
    """Every way OCR may misread one spot of the word; none for words of three letters or fewer."""
    if len(word) < 4:
        return []
    found = []
    for wrote, read in LOOKALIKES:
        at = word.find(wrote)
        while at >= 0:
            found.append(word[:at] + read + word[at + len(wrote) :])
            at = word.find(wrote, at + 1)
    for at, char in enumerate(word):
        if char in ACCENTED:
            found.extend(word[:at] + other + word[at + 1 :] for other in LETTERS)
    return found


@given(
    data=st.data(), words=name_words, hyphen=st.sampled_from(["-", "", " "]), upper=st.booleans()
)
def test_a_name_with_one_ocr_misreading_per_word_and_our_birth_date_is_the_same_patient(
    data: st.DataObject, words: list[str], hyphen: str, upper: bool
) -> None:
    read = [data.draw(st.sampled_from([w, *misreadings_of(w)])) for w in words]
    ours = Identity(" ".join(words[:-1]) + "-" + words[-1], BORN)
    theirs = " ".join(read[:-1]) + hyphen + read[-1]
    assert compare(ours, Identity(theirs.upper() if upper else theirs, BORN), ocr=True) is (
        Match.SAME
    )


vocabulary = ["María", "Maria", "Mario", "José", "J", "M.", "Núñez", "Nufez", "Nunez", "Munoz",
              "O'Brien", "OBrien", "O'Brian", "Gonzalez", "Smith", "Carmen", "Carrnen", "0lga",
              "Olga", "Ida", "lda", "rn", "m"]  # fmt: skip
names = st.one_of(
    st.lists(st.sampled_from(vocabulary), max_size=4).flatmap(
        lambda ws: st.sampled_from([" ", "-", ", ", "^", ""]).map(lambda sep: sep.join(ws))
    ),
    st.text(max_size=30),
)
births = st.sampled_from([BORN, dt.date(1958, 7, 24), dt.date(1961, 4, 2), None])


@st.composite
def name_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two unrelated names, or a name and an OCR reading of it (so tolerance has work to do)."""
    ours = draw(names)
    if draw(st.booleans()):
        return ours, draw(names)
    read = [draw(st.sampled_from([w, *misreadings_of(w.lower())])) for w in ours.split(" ")]
    return ours, " ".join(read)


@given(ours=names, theirs=names, ocr=st.booleans(), born=births, other=births)
def test_a_different_birth_date_is_always_another_patient(
    ours: str, theirs: str, ocr: bool, born: dt.date | None, other: dt.date | None
) -> None:
    if born and other and born != other:
        assert compare(Identity(ours, born), Identity(theirs, other), ocr=ocr) is Match.DIFFERENT


def compare_before_ocr(ours: Identity, theirs: Identity) -> Match:
    """compare() as it was before it knew about OCR, kept to hold the text layer to it."""

    def found(word: str, others: list[str]) -> bool:
        if word in others:
            return True
        if len(word) == 1:
            return any(o.startswith(word) for o in others)
        return word[0] in others

    a, b = name_parts(ours.name), name_parts(theirs.name)
    names = None
    if a and b:
        covered = all(found(w, b) for w in a) or all(found(w, a) for w in b)
        shared = len({w for w in a if len(w) > 1} & {w for w in b if len(w) > 1})
        names = covered and shared >= min(2, len(set(a)), len(set(b)))
    same_birth = None
    if ours.date_of_birth and theirs.date_of_birth:
        same_birth = ours.date_of_birth == theirs.date_of_birth
    if same_birth is False:
        return Match.DIFFERENT
    if names is False:
        return Match.UNCERTAIN if same_birth else Match.DIFFERENT
    return Match.SAME


@given(pair=name_pairs(), born=births, other=births)
def test_a_text_layer_is_compared_exactly_as_before_ocr_tolerance(
    pair: tuple[str, str], born: dt.date | None, other: dt.date | None
) -> None:
    ours, theirs = pair
    before = compare_before_ocr(Identity(ours, born), Identity(theirs, other))
    assert compare(Identity(ours, born), Identity(theirs, other), ocr=False) is before
    assert compare(Identity(ours, born), Identity(theirs, other)) is before


@given(pair=name_pairs(), born=births, other=births)
def test_ocr_tolerance_only_softens_a_name_mismatch_by_one_step(
    pair: tuple[str, str], born: dt.date | None, other: dt.date | None
) -> None:
    ours, theirs = pair
    strict = compare(Identity(ours, born), Identity(theirs, other))
    tolerant = compare(Identity(ours, born), Identity(theirs, other), ocr=True)
    vouched = born is not None and born == other
    allowed = {
        Match.SAME: {Match.SAME},
        Match.UNCERTAIN: {Match.UNCERTAIN, Match.SAME} if vouched else {Match.UNCERTAIN},
        # Only a missing birth date lets a name read by OCR move from another patient to unsure.
        Match.DIFFERENT: {Match.DIFFERENT, Match.UNCERTAIN}
        if born is None or other is None
        else {Match.DIFFERENT},
    }
    assert tolerant in allowed[strict]
