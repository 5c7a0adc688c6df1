"""One bound on a line's length for every reader: a pasted page in one line is cut at spaces,
and no word or line is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from packet.facts import extract
from packet.lines import MAX_LINE, lines_of


@given(st.text(alphabet=st.sampled_from("ab  \n"), max_size=5000))
def test_lines_are_bounded_and_keep_every_word(text: str) -> None:
    lines = lines_of(text)
    assert all(len(line) <= MAX_LINE for line in lines)
    assert " ".join(" ".join(lines).split()) == " ".join(text.split())


def test_a_result_after_a_pasted_page_in_one_line_is_still_read() -> None:
    page = "Stage IIA " * 6500 + "\nHER2 (IHC): negative, score 1+"
    assert ("her2", "negative (IHC 1+)") in {(f.kind.value, f.value) for f in extract([page])}
