"""What a question asks for: its answer type, its content terms, the unit it counts and, from
its parse, the predicate it asks about, the class of thing it asks for and the names it gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile
from typing import Any

from .kinds import KINDS
from .timewords import asks_ahead, speaks_of_now
from .words import STOPWORDS, WORD, content_terms, names_a_given, own_words, stem

__all__ = ["KINDS", "Question", "analyse", "asked_kind", "content_terms", "names_a_given"]
__all__ += ["WORD", "own_words", "stem"]

_AUX = r"(?:is|are|was|were|will|would|did|do|does|have|has|had|can|could|should|be|been)"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_UNIT = re.compile(rf"\bhow (?:many|much)\s+((?:(?!{_AUX}\b)[A-Za-z\-]+\s*){{1,3}})", re.I)
LIGHT_VERBS = frozenset(
    (
        "be have do happen occur take make get go accord say tell "
        "report reveal find show announce claim estimate locate affect impact involve"
    ).split()
)
_CAUSATIVE = frozenset({"let", "help", "allow", "cause", "force"})
_NAME_OF = (["is", "the", "name", "of"], ["was", "the", "name", "of"], ["the", "name", "of"])
WH_WORDS = frozenset({"how", "what", "which", "who", "whom", "whose", "when", "where", "why"})


@dataclass(frozen=True, slots=True)
class Question:
    """A parsed question. ``unit`` is what a "how many X" question counts (stemmed X).

    From the spaCy parse, when one is given: ``predicate`` is the lemma of the verb asked
    about ("kill" in "how many were killed"), ``asked_class`` the noun after "which"/"what"
    ("newspaper"), ``names`` the lower-cased tokens of the names the question itself gives
    (an answer never repeats them).
    """

    text: str
    kind: str
    terms: tuple[str, ...]
    unit: str | None
    predicate: str | None = None
    asked_class: str | None = None
    names: frozenset[str] = frozenset()
    years: frozenset[str] = frozenset()  # "the 2018 Winter Olympics": its answer is about 2018
    now: str | None = None  # "recently", "is building": about the months before its as-of day
    ahead: bool = False  # "when will": a date still to come (:func:`.timewords.asks_ahead`)
    money: bool = False  # a revenue, price or cost: only an amount of money answers it


def asked_kind(text: str) -> str:
    """Which of :data:`KINDS` ``text`` asks for, from its wording alone."""
    return next((k.name for k in KINDS.values() if k.asked and k.asked.search(text)), "other")


def analyse(text: str, doc: Any = None) -> Question:
    """Classify ``text`` into one of :data:`KINDS` and pull out its terms and unit; with
    ``doc`` (its spaCy parse), also its predicate, asked class and names."""
    kind = asked_kind(text)
    unit = None
    match = _UNIT.search(text)
    if match:
        # the counted noun ends where a function word starts ("days | in office", "seconds
        # | may predict"); "years" counts though it is a stop word elsewhere
        words = list(
            takewhile(
                lambda w: w.lower() in ("year", "years") or w.lower() not in STOPWORDS,
                match[1].split(),
            )
        )
        unit = stem(words[-1].lower()) if words else None
        if doc is not None:  # "how many people lined": the noun "many" counts, not "lined"
            many = next((t for t in doc if t.idx == match.start() + len("how ")), None)
            if many is not None and many.head.pos_ == "NOUN":
                unit = stem(many.head.lower_)
    predicate = asked_class = None
    names: frozenset[str] = frozenset()
    if doc is not None:
        verb = _asked_verb(doc)
        predicate = verb.lemma_.lower() if verb is not None else None
        asked_class = _asked_noun(doc)
        if asked_class is not None and KINDS[kind].open:
            kind = next((k.name for k in KINDS.values() if asked_class in k.nouns), kind)
        names = frozenset(
            t.lower_ for t in doc if t.pos_ == "PROPN" or (t.ent_type_ and t.pos_ == "ADJ")
        )
    years = frozenset(_YEAR.findall(text))
    terms = tuple(content_terms(text))
    now = speaks_of_now(text, doc)
    money = KINDS[kind].money
    ahead, money_asked = asks_ahead(text), bool(money and money.search(text))
    return Question(
        text, kind, terms, unit, predicate, asked_class, names, years, now, ahead, money_asked
    )


def _asked_noun(doc: Any) -> str | None:
    """The class of thing a "which/what X" question asks for (lemma of X): the last noun of
    the words after the wh-word ("which fast food *chain* has", "which of these NFL head
    *coaches*", "what was the name of the *storm*"). Read from the tags, not the tree: the
    small model often parses "which" as a pronoun of its own."""
    wh = next((t for t in doc if t.lower_ in ("which", "what")), None)
    if wh is None:
        return None
    rest = list(doc[wh.i + 1 :])
    if len(rest) > 1 and rest[0].lower_ == "of":  # "which of these coaches"
        rest = [t for t in rest[1:] if t.lower_ not in ("these", "those", "the")]
    words = [t.lower_ for t in rest]
    for prefix in _NAME_OF:  # "what was the name of the storm"
        if words[: len(prefix)] == prefix:
            rest = rest[len(prefix) :]
            break
    run: list[Any] = []
    for token in rest:
        if token.tag_ == "POS":
            if run and run[-1].tag_ == "NNS":  # "which women's sport": a kind of sport
                run = []
                continue
            break  # "which ministry's official": the ministry is asked for
        if token.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or token.tag_ in ("VBG", "VBN"):
            run.append(token)
        elif token.lower_ in ("the", "-") or (token.pos_ == "ADV" and token.lower_.endswith("ly")):
            continue
        else:
            break
    # a lower-case "PROPN" is a common noun the tagger took for a name ("Ivy League university")
    nouns = [t for t in run if t.pos_ == "NOUN" or (t.pos_ == "PROPN" and t.text.islower())]
    return str(nouns[-1].lemma_.lower()) if nouns else None


def _asked_verb(doc: Any) -> Any:
    """The verb the question asks about: the first verb above its wh-word ("how many
    subscribers did it *lose*", "what percentage of adults *disapprove*"), else the main verb,
    else the adjective of a copula; never a light or reporting verb ("according to a poll")."""
    wh = next((t for t in doc if t.lower_ in WH_WORDS), None)
    token = wh
    while token is not None and token.head.i != token.i:
        token = token.head
        if token.pos_ == "VERB" and token.lemma_.lower() not in LIGHT_VERBS:
            if token.lemma_.lower() in _CAUSATIVE:  # "let violence *play out*"
                return next(
                    (
                        t
                        for t in token.children
                        if t.dep_ in ("ccomp", "xcomp") and t.pos_ == "VERB"
                    ),
                    token,
                )
            return token
    verbs = [t for t in doc if t.pos_ == "VERB" and t.lemma_.lower() not in LIGHT_VERBS]
    if wh is not None:  # "X was moved this week. How many years will she *serve*?"
        verbs = [t for t in verbs if t.sent == wh.sent] or verbs
    if not verbs:  # "to which country are its exports *sluggish*": what the copula says
        return next((t for t in doc if t.dep_ == "acomp" and t.head.dep_ == "ROOT"), None)
    return next((t for t in verbs if t.dep_ == "ROOT"), verbs[0])
