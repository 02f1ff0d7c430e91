"""What a sentence must say to answer the question: the asked predicate, the counted unit,
the asked role.

Each check reads the parses of the sentences the reader is shown and asks the embedder how
close their words are to the question's (MiniLM word vectors, cached by
:func:`~.similarity.similarity`). A sentence that fails a veto gives no answer: "how many
were killed" is not answered by a sentence on deployments, nor "who is the foreign minister"
by one that names only a leader and a president.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..index import Embedder
from .classes import titled
from .extractive import Span
from .kinds import KINDS
from .questions import Question
from .similarity import same_word, similarity, singular
from .words import STOPWORDS, stem

__all__ = ["asked_role", "counts_asked", "holds_now", "numbers_agree", "predicate_words"]
__all__ += ["says_role", "titled_first"]

# cosine of MiniLM word vectors above which a sentence's verb counts as the question's
# predicate ("killed" ~ "died" 0.79, "sent" ~ "send" 0.68; "killed" ~ "deployed" 0.38)
PREDICATE_SIMILARITY = 0.5
NOUN_SIMILARITY = 0.6  # "kill" ~ "death" 0.65, but "kill" ~ "attack" 0.49, "war" 0.47
# a span near a word this close to the predicate is attached to it ("meet" ~ "talk" 0.45,
# "visit" 0.46; but "sign" 0.38, "hold" 0.32)
NEAR_SIMILARITY = 0.42
UNIT_SIMILARITY = 0.5  # "soldier" ~ "troop" 0.74, "personnel" 0.52; "worker" 0.43
# a noun this close to an asked role names it ("ceo" ~ "executive" 0.73, "minister" ~
# "ministry" 0.81); titles of other offices are further ("minister" ~ "chancellor" 0.67,
# "leader" 0.51, "president" 0.50; "ceo" ~ "chairman" 0.67)
ROLE_SIMILARITY = 0.7
# verbs that give a person a role: "who *is* the foreign minister", "who was *named* CEO"
_ROLE_VERBS = frozenset(
    "be become remain serve name appoint elect select choose nominate succeed".split()
)
_ROLE_DEPS = frozenset(("attr", "nsubj", "nsubjpass", "oprd", "dobj"))
# offices the news names by title ("Foreign Minister Choe", "CEO Elon Musk"): a person is
# answered as one only where the sentence says so. Roles said by a verb are not checked
# ("winner", "runner-up", "actress": "Manziel won", "Croatia finished second", "stars as")
OFFICES = frozenset(
    "minister president premier chancellor secretary governor mayor ceo chairman chairwoman "
    "chair director chief head leader speaker ambassador envoy commander general judge "
    "senator spokesperson spokesman spokeswoman coach manager editor founder owner "
    "prosecutor attorney king queen monarch pope".split()
)

# a name and its number: "Pixel 6", "Season 4 of The Crown", "Game 6", "the 90th Academy
# Awards" (not a year, a count "16-person", a time "Game 6:30" or a decimal "Level 5.5")
_SERIES = r"(?:season|part|episode|chapter|volume|stage|phase|round|game|series|level)"
_NAME_NUMBER = re.compile(
    rf"\b([A-Z][A-Za-z]+|(?i:{_SERIES}))\s+(\d{{1,3}}[a-z]?)\b(?![-:.,]?\d)(?!-)"
)
# "the 90th Academy Awards", "the 2020 NBA Draft" (but "in 2019 Google said": a time)
_NUMBER_NAME = re.compile(
    r"(?:\b(\w+)\s+)?\b(\d{1,3}(?=st|nd|rd|th)|(?:19|20)\d\d)\w*\s+([A-Z][A-Za-z]+)"
)
_TIME_WORDS = frozenset("in on since by until till from of for during before after at".split())
_NOT_NAMES = frozenset(  # "July 4", "Tuesday 6", "No. 1", "Top 100"
    [n.lower() for n in (*calendar.month_name, *calendar.day_name) if n] + ["no", "number", "top"]
)

_FORMER = frozenset("former ex then late onetime erstwhile".split())

_HELD_BY = {
    "leader": "lead",
    "head": "head",
    "chair": "chair",
    "founder": "found",
    "owner": "own",
    "director": "direct",
    "manager": "manage",
    "editor": "edit",
    "governor": "govern",
    "coach": "coach",
}


def asked_role(doc: Any) -> str | None:
    """The office a "who" question asks about (lemma of its head noun, one of
    :data:`OFFICES`), from its parse: "minister" in "Who is North Korea's foreign minister?",
    "ceo" in "Who was named CEO of Twitter?"; None for other questions ("Who won the Nobel
    Peace Prize?", "Who was the runner-up?")."""
    who = _who(doc)
    if who is None or who.head.lemma_.lower() not in _ROLE_VERBS:
        return None
    for token in who.head.children:
        if token.i == who.i or token.dep_ not in _ROLE_DEPS:
            continue
        if token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.ent_type_ == ""):
            lemma = str(token.lemma_.lower())
            return lemma if lemma in OFFICES else None
    # the small model misparses some ("Who is the *Secretary* of Russia's Security Council?"
    # makes the council the subject): the first office named before another verb
    for token in doc[who.head.i + 1 :]:
        if token.pos_ in ("VERB", "AUX") or token.ent_type_ == "PERSON":
            break
        if token.lemma_.lower() in OFFICES:
            return str(token.lemma_.lower())
    return None


def holds_now(doc: Any) -> bool:
    """Whether a "who" question asks who holds an office now: "Who *is* the CEO of X?" (a
    verb in the present), not "Who was"."""
    who = _who(doc)
    return who is not None and who.head.tag_ in ("VBZ", "VBP")


def _who(doc: Any) -> Any:
    """The question's "who" (or "whom") token, or None."""
    return next((t for t in doc if t.lower_ in ("who", "whom")), None)


def says_role(
    role: str | None, docs: Sequence[Any], embedder: Embedder, now: bool = False
) -> list[bool]:
    """Whether each sentence names the asked ``role``: its lemma or stem, a noun the
    embedder finds close (``ROLE_SIMILARITY``), or the verb of the office ("led" for
    "leader"); asked who holds it ``now``, an office said "former" or "ex-" does not count.
    All True when no role is asked."""
    if role is None:
        return [True] * len(docs)
    target = stem(role)
    verb = _HELD_BY.get(role)  # the office's verb says it too: "*led* by", "*heads* the"
    nouns = [
        {
            t.lemma_.lower()
            for t in doc
            if t.pos_ in ("NOUN", "PROPN") and not t.is_punct and not (now and _former(t))
        }
        for doc in docs
    ]
    done = [any(t.pos_ == "VERB" and t.lemma_.lower() == verb for t in doc) for doc in docs]
    distinct = sorted({n for found in nouns for n in found if stem(n) != target})
    close = {target} | {
        n
        for n, sim in zip(distinct, similarity(embedder, role, distinct), strict=True)
        if sim >= ROLE_SIMILARITY
    }
    return [
        said or any(n in close or stem(n) in close for n in found)
        for found, said in zip(nouns, done, strict=True)
    ]


def _former(token: Any) -> bool:
    """ "former CEO", "ex-president", "then-president": an office no longer held."""
    for word in reversed(token.doc[max(token.i - 3, 0) : token.i]):  # its noun phrase
        if word.lower_ in _FORMER:
            return True
        if word.pos_ in ("VERB", "AUX", "ADP", "PRON") or (word.is_punct and word.text != "-"):
            return False
    return False


def titled_first(role: str | None, spans: list[Span], doc: Any, base: int) -> list[Span]:
    """``spans`` (of a sentence starting at ``base``, parsed as ``doc``) with those of a
    person titled with the asked ``role`` first: "Russian *President* Vladimir Putin", or
    "Choe Son-hui, the foreign *minister*" (the role in the four words before the name, or
    in an apposition after it)."""
    if role is None:
        return spans
    target = stem(role)

    def said(token: Any) -> bool:
        return token.lemma_.lower() == role or stem(token.lower_) == target

    def holds(span: Span) -> bool:
        ent = next((e for e in doc.ents if e.start_char == span.start - base), None)
        if ent is None or ent.label_ != "PERSON":
            return False
        if titled(ent, said):
            return True
        after = doc[ent.end : ent.end + 5]
        return bool(len(after) and after[0].text == "," and any(said(t) for t in after[1:]))

    return sorted(spans, key=lambda s: not holds(s))


def predicate_words(
    question: Question, docs: Sequence[Any], embedder: Embedder
) -> tuple[list[bool], frozenset[str]]:
    """Whether each sentence states the asked predicate, and the words of the sentences
    that count as it: the same lemma or stem ("disapprove" ~ "disapproval"), or one the
    embedder finds close (a verb at ``PREDICATE_SIMILARITY``, a noun at
    ``NOUN_SIMILARITY``: "killed" ~ "death toll"). Only a quantity question is vetoed
    by it; for every kind, a span near one of the words is the one attached to what was
    asked (``NEAR_SIMILARITY``: "met" ~ "held talks")."""
    predicate = question.predicate
    if predicate is None:
        return [True] * len(docs), frozenset()
    words = [
        {(t.lemma_.lower(), t.pos_) for t in doc if t.pos_ in ("VERB", "NOUN", "ADJ")}
        for doc in docs
    ]
    close = {w for found in words for w, _ in found if same_word(w, predicate)}
    near = set(close)
    distinct = sorted({w for found in words for w in found if w[0] not in close})
    cosines = similarity(embedder, predicate, [w for w, _ in distinct])
    for (word, pos), sim in zip(distinct, cosines, strict=True):
        if sim >= (PREDICATE_SIMILARITY if pos == "VERB" else NOUN_SIMILARITY):
            close.add(word)
        if sim >= NEAR_SIMILARITY:
            near.add(word)
    says = [any(w in close for w, _ in found) for found in words]
    return (says if KINDS[question.kind].counts else [True] * len(docs)), frozenset(near)


def counts_asked(
    question: Question, docs: Sequence[Any], embedder: Embedder
) -> Callable[[Span], bool]:
    """For "how many soldiers": whether a quantity span counts the asked thing: no unit
    given, the same stem, or a noun the embedder finds close (``UNIT_SIMILARITY``:
    "soldiers" ~ "troops" 0.74, but "soldiers" ~ "workers" 0.43: a figure of workers is
    not an answer)."""
    asked = question.unit
    if not KINDS[question.kind].counts or not asked:
        return lambda span: True
    nouns = sorted({t.lemma_.lower() for doc in docs for t in doc if t.pos_ == "NOUN"})
    cosines = similarity(embedder, asked, nouns)
    close = {asked} | {n for n, sim in zip(nouns, cosines, strict=True) if sim >= UNIT_SIMILARITY}
    close_stems = {stem(w) for w in close}

    def counts(span: Span) -> bool:
        if span.unit is None:
            return True
        unit = span.unit.lower()
        return stem(unit) in close_stems or singular(unit) in close

    return counts


def numbers_agree(question: Question, docs: Sequence[Any]) -> list[bool]:
    """Whether each sentence speaks of the numbered thing the question names: one that
    gives the question's name only with other numbers is about another ("Season 3 of The
    Crown" for "season 4", "Pixel 5" for "Pixel 6", "the 92nd Academy Awards" for the 90th).
    A sentence that gives no number with the name is not held to it."""
    asked = _numbered(question.text, at_start=False)
    if not asked:
        return [True] * len(docs)
    agree = []
    for doc in docs:
        said = _numbered(doc.text, at_start=True)
        numbered = {word for word, _ in said}  # the names this sentence gives a number
        agree.append(all(pair in said or pair[0] not in numbered for pair in asked))
    return agree


def _numbered(text: str, at_start: bool) -> set[tuple[str, str]]:
    """The (lower-cased name, number) pairs of ``text``; a capitalised word that opens a
    sentence of a question ("After 26 years") is no name unless ``at_start``."""
    pairs = set()
    for match in _NAME_NUMBER.finditer(text):
        word = match[1].lower()
        before = text[: match.start()].rstrip(" \"“”'‘’")
        opens = not before or before.endswith((".", "?", "!", ":"))
        if word in _NOT_NAMES or word in STOPWORDS:
            continue
        if opens and not at_start and not re.fullmatch(_SERIES, word):
            continue
        pairs.add((word, match[2].lower()))
    for match in _NUMBER_NAME.finditer(text):
        if not (len(match[2]) == 4 and (match[1] or "").lower() in _TIME_WORDS):
            pairs.add((match[3].lower(), match[2]))
    return pairs
