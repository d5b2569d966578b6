"""`storyline.text`: the shared vocabulary's stop words are scikit-learn's, read from a copy."""

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SCIKIT_LEARNS

from storyline.text import ENGLISH_STOP_WORDS, STOP_WORDS, content_words


def test_the_stop_word_copy_is_scikit_learns_list():
    assert ENGLISH_STOP_WORDS == SCIKIT_LEARNS
    assert STOP_WORDS > ENGLISH_STOP_WORDS and {"said", "told"} <= STOP_WORDS


def test_content_words_leave_stop_words_and_reporting_verbs_out():
    words = content_words("Rubio said the talks in Geneva were productive, and they will continue.")
    assert set(words) == {"rubio", "talks", "geneva", "productive", "continue"}
