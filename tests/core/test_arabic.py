from hypothesis import given
from hypothesis import strategies as st

from hiwar.core.arabic import normalise


def test_folds_the_ways_arabic_is_typed():
    assert normalise("إِسْتِراتِيجِيَّة") == normalise("استراتيجيه")
    assert normalise("مـــنـــصة") == "منصه"
    assert normalise("أمانة") == normalise("امانه")
    assert normalise("مستوى") == normalise("مستوي")
    assert normalise("٢٠٣٠") == "2030"
    assert normalise("  Food   Systems ") == "food systems"


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    assert normalise(normalise(text)) == normalise(text)
