import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


ASCII_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

# The characters XML 1.0 cannot hold (the control characters but tab and line breaks, and
# the noncharacters U+FFFE and U+FFFF), and DEL: pasted by accident, invisible on a page,
# and a feed that held one could not be read at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def searchable(text: str) -> str:
    """Lower case, accents and punctuation folded to spaces: "Amélie!" -> "amelie".

    Stored next to titles and names so that search is case- and accent-insensitive on
    every database with a plain LIKE or a trigram index, without an unaccent extension.
    """
    if text.isascii():  # most titles and names: the same result, four times faster
        return ASCII_NOT_ALNUM.sub(" ", text.lower()).strip()
    folded = text.casefold().translate(LETTERS_WITHOUT_DECOMPOSITION)
    decomposed = unicodedata.normalize("NFKD", folded)
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())
