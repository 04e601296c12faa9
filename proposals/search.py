"""Search by words, in French, the same on SQLite and PostgreSQL.

A text's words are its lexemes: without accents, lower case, stemmed by Snowball's French
algorithm («Végétalisation» and «végétaliser» → «vegetalis»), the French stop words left
out. A search finds the proposals whose words include every word of the query: whole words
only, never a fragment inside a word («velo» does not find «développement»).

PostgreSQL does it with its own text search (`to_tsvector('french', unaccent(…))`, the
`unaccent` extension is created by a migration); SQLite gets Python functions of the same
behaviour on every new connection (the `snowballstemmer` package is Snowball's own French
stemmer, the one PostgreSQL's `french_stem` is built from; checked word for word against it).
`normalize` also serves accent-insensitive sorting.
"""

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Case, CharField, Func, TextField, Value, When
from django.db.models.functions import Coalesce, Lower
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from snowballstemmer import stemmer

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})

# A search costs a bounded amount of work: longer ones are refused before anything is read.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8

WORD = re.compile(r"[^\W_]+")

# PostgreSQL's French stop words (tsearch_data/french.stop, from Snowball), compared as
# PostgreSQL does: with the word already without accents (so «ete» is a word, «été» is not).
STOP_WORDS = frozenset(
    """au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi mon ne
    nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
    c d j l à m n s t y été étée étées étés étant étante étants étantes suis es est sommes êtes sont serai
    seras sera serons serez seront serais serait serions seriez seraient étais était étions étiez étaient fus
    fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante
    ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait
    aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez
    aient eusse eusses eût eussions eussiez eussent""".split()
)


def normalize(text: str | None) -> str:
    """Lower case without accents: «Végétalisation» -> «vegetalisation»."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def stem(word: str) -> str:
    """Snowball's French stem of a normalized word. A stemmer keeps state while it works: one
    per call (about as fast as a shared one), so threads never share it."""
    return stemmer("french").stemWord(word)


def lexeme(word: str) -> str:
    """The lexeme of one normalized word; "" for a stop word. Words with digits are kept as
    they are («2025», «co2»), as PostgreSQL's French configuration does."""
    if word in STOP_WORDS:
        return ""
    if any(char.isdigit() for char in word):
        return word
    return stem(word)


@lru_cache(maxsize=4096)
def lexemes(text: str) -> tuple[str, ...]:
    """The lexemes of a text, sorted, once each (cached: the same texts are searched again and again)."""
    return tuple(sorted(set(filter(None, (lexeme(word) for word in WORD.findall(normalize(text)))))))


def search_words(query: str) -> list[str]:
    """The words of a query that a search looks for: normalized, once each; stop words and
    single letters left out."""
    return list(dict.fromkeys(word for word in WORD.findall(normalize(query)) if len(word) > 1 and lexeme(word)))


def word_forms(word: str) -> list[tuple[str, str, bool]]:
    """What one searched word finds: (form, its lexeme, whether the lexeme may begin a longer
    one). The stemmer keeps some plurals («velos») and past participles («vegetalisees» →
    «vegetalise»): a word also finds its singular and masculine forms, and a lexeme of four letters or more also
    finds the lexemes it begins («velo» → «velos», «vegetalis» → «vegetalise»). A shorter one is
    found whole only: «PLU» does not find «plus»."""
    forms = [word]
    if len(word) > 3 and word[-1] in "sx":
        forms.append(word[:-1])
    if forms[-1].endswith("ee"):  # a feminine participle without its accent: «vegetalisee»
        forms.append(forms[-1][:-1])
    found = {}
    for form in forms:
        form_lexeme = lexeme(form)
        if form_lexeme and form_lexeme not in found:
            found[form_lexeme] = form
    return [(form, form_lexeme, len(form_lexeme) >= 4) for form_lexeme, form in found.items()]


def _patterns(words: list[str]) -> str:
    """The lexemes each word finds, for `search_match`: «velo*|velos*» per word, words separated by spaces."""
    return " ".join(
        "|".join(form_lexeme + ("*" if prefix else "") for _form, form_lexeme, prefix in word_forms(word))
        for word in words
    )


def _tsquery(words: list[str], operator: str) -> str:
    """The same for PostgreSQL's to_tsquery, which stems the forms itself: «(velo:* | velos:*)»."""
    return f" {operator} ".join(
        "(" + " | ".join(form + (":*" if prefix else "") for form, _lexeme, prefix in word_forms(word)) + ")"
        for word in words
    )


def _found(sorted_lexemes: tuple[str, ...], pattern: str) -> bool:
    prefix = pattern.endswith("*")
    wanted = pattern.rstrip("*")
    i = bisect_left(sorted_lexemes, wanted)
    if i == len(sorted_lexemes):
        return False
    return sorted_lexemes[i].startswith(wanted) if prefix else sorted_lexemes[i] == wanted


def _word_found(sorted_lexemes: tuple[str, ...], patterns: str) -> bool:
    return any(_found(sorted_lexemes, pattern) for pattern in patterns.split("|"))


def validate_search(query: str) -> None:
    """A search has at most SEARCH_MAX_WORDS words (its length is bounded by its form field)."""
    # Counted as searched: without accents, a character may become several words («⅒»).
    if len(WORD.findall(query)) > SEARCH_MAX_WORDS or len(WORD.findall(normalize(query))) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Une recherche compte au plus %(max)s mots."), code="too_many_words", params={"max": SEARCH_MAX_WORDS}
        )


class Unaccent(Func):
    function = "unaccent"
    output_field = CharField()


def searchable(expression):
    """The database expression that matches `normalize(query)` with `__contains`."""
    return Lower(Unaccent(expression))


class Matches(Func):
    """True when the words of `document` include every one of `words` (or any, `every=False`):
    `words` are `search_words(query)`."""

    output_field = BooleanField()

    def __init__(self, document, words: list[str], *, every: bool = True):
        super().__init__(Coalesce(document, Value(""), output_field=TextField()))
        self.words = tuple(words)
        self.every = every

    def as_sql(self, compiler, connection, **extra_context):  # SQLite: the Python function below
        sql, params = compiler.compile(self.source_expressions[0])
        return f"search_match({sql}, %s, %s)", (*params, _patterns(self.words), int(self.every))

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # The words are made of letters and digits only (WORD): no tsquery operator in them.
        query = _tsquery(self.words, "&" if self.every else "|")
        return (
            f"(to_tsvector('french'::regconfig, unaccent({sql})) @@ to_tsquery('french'::regconfig, %s))",
            (*params, query),
        )


def rank(fields: list[tuple[object, int]], words: list[str]):
    """The sum of the weights of the `fields` (expression, weight) where a word is found."""
    total = Value(0)
    for field, weight in fields:
        total = total + Case(When(Matches(field, words, every=False), then=Value(weight)), default=Value(0))
    return total


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, each word found by the search in <mark>."""
    if not words:
        return escape(text)
    patterns = _patterns(words).replace(" ", "|")
    html = []
    position = 0
    for match in WORD.finditer(text):
        html.append(escape(text[position : match.start()]))
        word = escape(match.group())
        found = _word_found((lexeme(normalize(match.group())),), patterns)
        html.append(f"<mark>{word}</mark>" if found else word)
        position = match.end()
    html.append(escape(text[position:]))
    return mark_safe("".join(html))


def _search_match(text, patterns, every):
    found = lexemes(text or "")
    return (all if every else any)(_word_found(found, word) for word in patterns.split())


@receiver(connection_created)
def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, normalize, deterministic=True)
        connection.connection.create_function("search_match", 3, _search_match, deterministic=True)
