"""The Snowball French stemmer, for words already lower-cased and without accents.

PostgreSQL's French text search stems `unaccent(text)` with Snowball's French algorithm
(https://snowballstem.org/algorithms/french/stemmer.html); SQLite has no French stemmer, so
this is the same algorithm in Python, and both databases find the same words. Without
accents, the algorithm's rules for accented letters never apply, and they are left out.
"""

from functools import lru_cache

VOWELS = frozenset("aeiouy")

# Step 1, standard suffixes: the longest one found decides (and may fail).
STANDARD = {
    **dict.fromkeys(["ance", "iqUe", "isme", "able", "iste", "eux", "ances", "iqUes", "ismes", "ables", "istes"], "r2"),
    **dict.fromkeys(["atrice", "ateur", "ation", "atrices", "ateurs", "ations"], "ation"),
    **dict.fromkeys(["logie", "logies"], "logie"),
    **dict.fromkeys(["usion", "ution", "usions", "utions"], "usion"),
    **dict.fromkeys(["ence", "ences"], "ence"),
    **dict.fromkeys(["ement", "ements"], "ement"),
    **dict.fromkeys(["if", "ive", "ifs", "ives"], "if"),
    "eaux": "eaux",
    "aux": "aux",
    **dict.fromkeys(["euse", "euses"], "euse"),
    **dict.fromkeys(["issement", "issements"], "issement"),
    "amment": "amment",
    "emment": "emment",
    **dict.fromkeys(["ment", "ments"], "ment"),
}
# Step 2a: verb suffixes beginning with «i», removed after a consonant.
I_VERB = (
    "i ie ies ir ira irai iraIent irais irait iras irent irez iriez irions irons iront is issaIent issais "
    "issait issant issante issantes issants isse issent isses issez issiez issions issons it"
).split()
# Step 2b: other verb suffixes.
VERB = {
    "ions": "r2",
    **dict.fromkeys("er era erai eraIent erais erait eras erez eriez erions erons eront ez iez".split(), "delete"),
    **dict.fromkeys("a ai aIent ais ait ant ante antes ants as asse assent asses assiez assions".split(), "delete_e"),
}
RESIDUAL = {"ion": "ion", "ier": "i", "Ier": "i", "e": "delete"}
UNDOUBLE = ("enn", "onn", "ett", "ell", "eill")


def _longest(word: str, suffixes, start: int = 0) -> str:
    """The longest of `suffixes` that ends `word` and begins at or after `start`."""
    found = ""
    for suffix in suffixes:
        if len(suffix) > len(found) and word.endswith(suffix) and len(word) - len(suffix) >= start:
            found = suffix
    return found


def _mark(word: str) -> str:
    """Snowball's prelude: «u», «i» between vowels, «y» next to a vowel and «u» after «q» are
    consonants (written in capitals while stemming)."""
    letters = list(word)
    for i, letter in enumerate(letters):
        before = letters[i - 1] if i else ""
        after = letters[i + 1] if i + 1 < len(letters) else ""
        if letter in "ui" and before in VOWELS and after in VOWELS and before and after:
            letters[i] = letter.upper()
        elif letter == "y" and ((before and before in VOWELS) or (after and after in VOWELS)):
            letters[i] = "Y"
        elif letter == "u" and before == "q":
            letters[i] = "U"
    return "".join(letters)


def _regions(word: str) -> tuple[int, int, int]:
    """RV, R1 and R2: where the suffixes may start."""
    length = len(word)
    if length >= 2 and word[0] in VOWELS and word[1] in VOWELS or word[:3] in ("par", "col", "tap"):
        rv = min(3, length)
    else:
        rv = next((i + 1 for i in range(1, length) if word[i] in VOWELS), length)

    def after_consonant_after_vowel(start: int) -> int:
        for i in range(start + 1, length):
            if word[i] not in VOWELS and word[i - 1] in VOWELS:
                return i + 1
        return length

    r1 = after_consonant_after_vowel(0)
    return rv, r1, after_consonant_after_vowel(r1)


def _standard_suffix(word: str, rv: int, r1: int, r2: int) -> tuple[str, bool]:
    """Step 1: (the word, whether the step succeeded). A step that changes the word may
    still «fail» (the adverbs in -ment): the verb suffixes are then tried."""
    suffix = _longest(word, STANDARD)
    if not suffix:
        return word, False
    start = len(word) - len(suffix)
    stem = word[:start]
    rule = STANDARD[suffix]
    if rule == "r2":
        return (stem, True) if start >= r2 else (word, False)
    if rule == "ation":
        if start < r2:
            return word, False
        if stem.endswith("ic"):
            return (stem[:-2], True) if start - 2 >= r2 else (stem[:-2] + "iqU", True)
        return stem, True
    if rule == "logie":
        return (stem + "log", True) if start >= r2 else (word, False)
    if rule == "usion":
        return (stem + "u", True) if start >= r2 else (word, False)
    if rule == "ence":
        return (stem + "ent", True) if start >= r2 else (word, False)
    if rule == "ement":
        if start < rv:
            return word, False
        if stem.endswith("iv") and start - 2 >= r2:
            stem = stem[:-2]
            if stem.endswith("at") and len(stem) - 2 >= r2:
                stem = stem[:-2]
        elif stem.endswith("eus"):
            if start - 3 >= r2:
                stem = stem[:-3]
            elif start - 3 >= r1:
                stem = stem[:-3] + "eux"
        elif stem.endswith(("abl", "iqU")) and start - 3 >= r2:
            stem = stem[:-3]
        return stem, True
    if rule == "if":
        if start < r2:
            return word, False
        if stem.endswith("at") and start - 2 >= r2:
            stem = stem[:-2]
            if stem.endswith("ic"):
                stem = stem[:-2] if len(stem) - 2 >= r2 else stem[:-2] + "iqU"
        return stem, True
    if rule == "eaux":
        return stem + "eau", True
    if rule == "aux":
        return (stem + "al", True) if start >= r1 else (word, False)
    if rule == "euse":
        if start >= r2:
            return stem, True
        return (stem + "eux", True) if start >= r1 else (word, False)
    if rule == "issement":
        return (stem, True) if start >= r1 and stem and stem[-1] not in VOWELS else (word, False)
    if rule == "amment":
        return (stem + "ant" if start >= rv else word), False
    if rule == "emment":
        return (stem + "ent" if start >= rv else word), False
    # -ment, -ments: after a vowel of RV.
    return (stem if stem and stem[-1] in VOWELS and start - 1 >= rv else word), False


def _verb_suffix(word: str, rv: int, r2: int) -> tuple[str, bool]:
    """Steps 2a and 2b, inside RV."""
    suffix = _longest(word, I_VERB, rv)
    if suffix:
        start = len(word) - len(suffix)
        if start - 1 >= rv and word[start - 1] not in VOWELS:
            return word[:start], True
    suffix = _longest(word, VERB, rv)
    if not suffix:
        return word, False
    start = len(word) - len(suffix)
    rule = VERB[suffix]
    if rule == "r2":
        return (word[:start], True) if start >= r2 else (word, False)
    stem = word[:start]
    if rule == "delete_e" and stem.endswith("e") and start - 1 >= rv:
        stem = stem[:-1]
    return stem, True


def _residual_suffix(word: str, rv: int, r2: int) -> str:
    """Step 4: a final «s», then «ion», «ier», «e» inside RV."""
    if word.endswith("s") and len(word) >= 2 and word[-2] not in "aiouès":
        word = word[:-1]
    suffix = _longest(word, RESIDUAL, rv)
    if not suffix:
        return word
    start = len(word) - len(suffix)
    rule = RESIDUAL[suffix]
    if rule == "ion":
        if start >= r2 and start - 1 >= rv and word[start - 1] in "st":
            return word[:start]
        return word
    if rule == "i":
        return word[:start] + "i"
    return word[:start]


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The stem of a lower-case word without accents: «vegetalisation» and «vegetaliser» →
    «vegetalis»; «velos» → «velo»."""
    word = _mark(word)
    rv, r1, r2 = _regions(word)
    changed, done = _standard_suffix(word, rv, r1, r2)
    if not done:
        changed, done = _verb_suffix(changed, rv, r2)
    if done:
        if changed.endswith("Y"):
            changed = changed[:-1] + "i"
    else:
        changed = _residual_suffix(changed, rv, r2)
    if changed.endswith(UNDOUBLE):
        changed = changed[:-1]
    return changed.lower()
