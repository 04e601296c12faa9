"""Search by words, in French, the same on SQLite and PostgreSQL.

A text's words are its lexemes: without accents, lower case, stemmed by Snowball's French
algorithm («Végétalisation» and «végétaliser» → «vegetalis»), the French stop words left
out. A search finds the proposals whose words include every word of the query: whole words
only, never a fragment inside a word («velo» does not find «développement»).

Each proposal's lexemes are stored, weighted by where they stand (A: its titles, B: its
summary, D: its key, its text and its projects' titles), in its `SearchDocument`, rebuilt
whenever the proposal or one of its projects changes: a search reads the stored words and
never stems a row. PostgreSQL stores a `tsvector` of the `french_unaccent` text-search
configuration (French with `unaccent` first, created by a migration) under a GIN index;
SQLite stores the same lexemes as text («␣A:vegetalis␣D:urban␣»), made by Python functions
registered on every new connection (the `snowballstemmer` package is Snowball's own French
stemmer, the one PostgreSQL's `french_stem` is built from; checked word for word against it).
`normalize` also serves accent-insensitive sorting.
"""

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from html import escape as html_escape

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    F,
    Func,
    OuterRef,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower
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


@lru_cache(maxsize=65536)
def lexeme(word: str) -> str:
    """The lexeme of one normalized word; "" for a stop word. Words with digits are kept as
    they are («2025», «co2»), as PostgreSQL's French configuration does. Cached: a convention
    has a few thousand words, and stemming one costs as much as rendering a table row."""
    if word in STOP_WORDS:
        return ""
    if any(char.isdigit() for char in word):
        return word
    return stem(word)


def lexemes(text: str) -> tuple[str, ...]:
    """The lexemes of a text, sorted, once each."""
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


def _tsquery(words: list[str], operator: str, weight: str = "") -> str:
    """The same for PostgreSQL's to_tsquery, which stems the forms itself: «(velo:* | velos:*)»;
    `weight` restricts them to the lexemes of that weight («velo:*A»)."""

    def term(form: str, prefix: bool) -> str:
        return form + (":*" if prefix else ":" if weight else "") + weight

    return f" {operator} ".join(
        "(" + " | ".join(term(form, prefix) for form, _lexeme, prefix in word_forms(word)) + ")" for word in words
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


# The stored document: weights of the places a word stands, as PostgreSQL's `setweight` names them.
TITLES, SUMMARY, OTHERS = "A", "B", "D"
SEARCH_CONFIG = "french_unaccent"  # created by proposals' migration `search_documents`


class SearchDocumentField(models.TextField):
    """A proposal's weighted lexemes: a `tsvector` on PostgreSQL, text on SQLite (see above)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class Document(Func):
    """The search document of three texts: the titles, the summary, the rest."""

    output_field = SearchDocumentField()

    def as_sql(self, compiler, connection, **extra_context):  # SQLite: the Python function below
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        return (
            f"search_document({', '.join(sql for sql, _params in compiled)})",
            tuple(param for _sql, params in compiled for param in params),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        vectors = [
            f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, {sql}), '{weight}')"
            for (sql, _params), weight in zip(compiled, (TITLES, SUMMARY, OTHERS), strict=True)
        ]
        return "(" + " || ".join(vectors) + ")", tuple(param for _sql, params in compiled for param in params)


def _document(titles: str | None, summary: str | None, others: str | None) -> str:
    """SQLite's stored document: « A:lexeme … B:lexeme … D:lexeme … », a space on each side."""
    words = [
        f"{weight}:{found}"
        for weight, text in ((TITLES, titles), (SUMMARY, summary), (OTHERS, others))
        for found in lexemes(text or "")
    ]
    return " " + " ".join(words) + " "


class JoinedText(Aggregate):
    """The values of a group joined by spaces (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def document_of(project_model) -> Document:
    """The search document of a proposal (an expression over `Proposal`): a word found in its
    titles ranks it first, then one in its summary; its key (its public identifier), the
    convention's text and the titles of its projects (`project_model`'s) are searched too."""
    links = project_model.proposals.through.objects.filter(proposal=OuterRef("pk")).values("proposal")
    project_titles = Subquery(links.annotate(titles=JoinedText("project__title")).values("titles"))

    def text(*parts):
        joined = []
        for part in parts:
            joined += [Coalesce(part, Value(""), output_field=TextField()), Value(" ")]
        return Concat(*joined, output_field=TextField())

    return Document(text(F("title"), F("short_title")), text(F("summary")), text(F("key"), F("text"), project_titles))


def build_search_documents(document_model, proposal_model, project_model, proposal_ids=None) -> None:
    """Store the search documents of `proposal_ids` (every proposal when None): two queries a
    thousand proposals. The models are given so that a migration uses its own."""
    if proposal_ids is None:
        proposal_ids = list(proposal_model.objects.values_list("pk", flat=True))
    proposal_ids = sorted(set(proposal_ids))
    document = document_of(project_model)
    for start in range(0, len(proposal_ids), 1000):
        batch = proposal_ids[start : start + 1000]
        document_model.objects.bulk_create([document_model(proposal_id=pk) for pk in batch], ignore_conflicts=True)
        built = proposal_model.objects.filter(pk=OuterRef("proposal_id")).annotate(built=document).values("built")
        document_model.objects.filter(proposal_id__in=batch).update(document=Subquery(built))


class Matches(Func):
    """True when the stored `document` holds every one of `words` (or any, `every=False`),
    anywhere or only with `weight`: `words` are `search_words(query)`."""

    output_field = BooleanField()

    def __init__(self, document, words: list[str], *, every: bool = True, weight: str = ""):
        super().__init__(document)
        self.words = tuple(words)
        self.every = every
        self.weight = weight

    def as_sql(self, compiler, connection, **extra_context):  # SQLite: the stored text
        sql, params = compiler.compile(self.source_expressions[0])
        # « A:velo» begins a lexeme of the titles, «:velo » is a whole lexeme anywhere.
        start = f" {self.weight}:" if self.weight else ":"
        words, found_params = [], []
        for word in self.words:
            forms = []
            for _form, form_lexeme, prefix in word_forms(word):
                forms.append(f"instr({sql}, %s) > 0")
                found_params += [*params, start + form_lexeme + ("" if prefix else " ")]
            words.append("(" + " OR ".join(forms) + ")")
        return "(" + (" AND " if self.every else " OR ").join(words) + ")", tuple(found_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # The words are made of letters and digits only (WORD): no tsquery operator in them.
        query = _tsquery(self.words, "&" if self.every else "|", self.weight)
        return f"({sql} @@ to_tsquery('{SEARCH_CONFIG}'::regconfig, %s))", (*params, query)


def rank(document, words: list[str]):
    """2 when a word is found in the titles, plus 1 when one is found in the summary."""
    total = Value(0)
    for weight, points in ((TITLES, 2), (SUMMARY, 1)):
        found = Matches(document, words, every=False, weight=weight)
        total = total + Case(When(found, then=Value(points)), default=Value(0))
    return total


_normalized_word = lru_cache(maxsize=65536)(normalize)


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, each word found by the search in <mark>."""
    if not words:
        return escape(text)
    patterns = _patterns(words).replace(" ", "|")
    # Snowball changes only a word's end (its regions begin after the second letter): a word
    # whose first two letters begin no searched lexeme is not stemmed at all.
    beginnings = {pattern.rstrip("*")[:2] for pattern in patterns.split("|")}
    every_word = any(len(beginning) < 2 for beginning in beginnings)
    html = []
    position = 0
    for match in WORD.finditer(text):
        html.append(html_escape(text[position : match.start()]))
        word = html_escape(match.group())
        normalized = _normalized_word(match.group())
        found = (every_word or normalized[:2] in beginnings) and _word_found((lexeme(normalized),), patterns)
        html.append(f"<mark>{word}</mark>" if found else word)
        position = match.end()
    html.append(html_escape(text[position:]))
    return mark_safe("".join(html))


@receiver(connection_created)
def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, normalize, deterministic=True)
        connection.connection.create_function("search_document", 3, _document, deterministic=True)
