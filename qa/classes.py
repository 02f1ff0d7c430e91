"""The class a "which X" question asks for, and which names are of it: the kinds of name
that can be an X (a show is a WORK_OF_ART, a park a FAC), an X's title in front of a person
("*President* Sauli Niinistö"), and, for a class no kind of name stands for ("which
currency"), the nouns the embedder finds close to it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..index import Embedder
from .gazetteer import is_country
from .kinds import KINDS
from .questions import Question, stem
from .similarity import similarity

__all__ = ["CLASS_LABELS", "KIN_SIMILARITY", "WORKS", "class_kin", "fits_class", "titled"]

# "which X" for an X that is no person, company or place: the entity labels that name one
WORKS = frozenset(
    "show series sitcom film movie book novel song album painting play musical drama "
    "documentary podcast programme program memoir".split()
)
CLASS_LABELS = {
    **dict.fromkeys(WORKS, frozenset({"WORK_OF_ART"})),
    **dict.fromkeys("storm hurricane typhoon cyclone".split(), frozenset({"EVENT", "PERSON"})),
    **dict.fromkeys(
        "tournament championship festival war race event".split(), frozenset({"EVENT"})
    ),
    **dict.fromkeys(
        "park gallery museum airport stadium bridge monument landmark zoo arena".split(),
        frozenset({"FAC", "ORG", "LOC"}),
    ),
    **dict.fromkeys("law bill act measure legislation".split(), frozenset({"LAW"})),
    **dict.fromkeys("product drug vaccine phone device car".split(), frozenset({"PRODUCT"})),
    **dict.fromkeys("language nationality".split(), frozenset({"LANGUAGE", "NORP"})),
    **dict.fromkeys("role character".split(), frozenset({"PERSON", "WORK_OF_ART"})),
    **dict.fromkeys(
        "chain retailer automaker carmaker manufacturer giant studio startup franchise "
        "supermarket grocer restaurant store bank insurer lender "
        "exchange school college label publisher".split(),
        frozenset({"ORG"}),
    ),
    **dict.fromkeys("platform app service".split(), frozenset({"ORG", "PRODUCT"})),
}
KIN_SIMILARITY = 0.55  # a noun this close to the asked class is one of it
_PROPER = {
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
}


def class_kin(question: Question, docs: Sequence[Any], embedder: Embedder) -> frozenset[str]:
    """For "which disease" (a class no kind of name stands for): the nouns of the sentences
    that the embedder finds of that class, ``KIN_SIMILARITY`` and up ("lion" ~ "animal" 0.58,
    "euro" ~ "currency" 0.76; but "chess" ~ "sport" 0.53, "polio" ~ "disease" 0.50)."""
    asked = question.asked_class
    if not KINDS[question.kind].open or asked is None or asked in CLASS_LABELS:
        return frozenset()
    nouns = sorted({c.root.lemma_.lower() for doc in docs for c in doc.noun_chunks} - {asked})
    nouns = [n for n in nouns if stem(n) not in question.terms]
    cosines = similarity(embedder, asked, nouns)
    return frozenset(n for n, cos in zip(nouns, cosines, strict=True) if cos >= KIN_SIMILARITY)


def fits_class(question: Question, ent: Any) -> bool:
    """Whether a named entity is of the class the question asks for: "The North's mainstream
    Rodong Sinmun newspaper" is a newspaper, "Security Council Secretary Sergei Shoigu" an
    official (a title in front of a person counts for every person class)."""
    asked = question.asked_class
    if asked is None or ent.label_ not in _PROPER:
        return False
    if asked in ("country", "nation"):  # "which country": Saudi Arabia, not Riyadh
        return ent.label_ == "GPE" and is_country(ent.text)
    doc = ent.doc
    after = doc[ent.end] if ent.end < len(doc) else None
    if ent.root.dep_ == "poss":  # "Russia's Kursk region": Russia owns the region, Kursk is it
        return False
    if ent.root.head.lemma_.lower() == asked or (
        after is not None and after.lemma_.lower() == asked
    ):
        return True
    if doc[ent.end - 1].lemma_.lower() == asked or ent.label_ in CLASS_LABELS.get(asked, ()):
        return True  # "Yellowstone National Park" is a park; a LAW is the "measure" asked
    return asked in KINDS["person"].nouns and ent.label_ == "PERSON"


def titled(ent: Any, said: Callable[[Any], bool]) -> bool:
    """Whether a word ``said`` accepts is the title in the four words in front of ``ent``
    ("Finnish *President* Sauli Niinistö", "*Judge* Barbara Bellis"): of all the people in a
    sentence, the one asked for."""
    doc = ent.doc
    for token in reversed(doc[max(0, ent.start - 4) : ent.start]):
        if said(token):
            return True
        if token.pos_ not in ("PROPN", "ADJ", "NOUN") or token.is_punct:
            return False
    return False
