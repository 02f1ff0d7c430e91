"""The names a question gives must be mentioned by the article an answer is read from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dateline.index import Article
from dateline.qa import Answerer
from dateline.qa.mentions import Named
from tests.conftest import answerer_over


def article(text: str, title: str = "A report") -> Article:
    return Article("a1", title, text, "2023-06-01")


def test_a_name_the_article_never_mentions_is_missing(seed_answerer: Answerer) -> None:
    named = Named.of(seed_answerer.nlp("Which team did Luton Town beat in the play-off final?"))
    assert [name for name, _ in named.names] == ["Luton Town"]
    assert named.missing(article("Coventry lost the final on penalties.")) == "Luton Town"
    assert named.missing(article("Luton beat Coventry on penalties at Wembley.")) is None
    assert named.missing(article("Coventry lost.", title="Luton Town promoted")) is None
    said, silent = article("Luton won."), Article("a2", "Report", "Coventry lost.", None)
    assert named.missing_in([said, silent, said]) == {"a1": None, "a2": "Luton Town"}


def test_any_word_of_a_name_or_its_stem_counts(seed_answerer: Answerer) -> None:
    named = Named.of(seed_answerer.nlp("Which Russian official met Kim Jong-un in Pyongyang?"))
    said = article("Sergei Shoigu held talks with Kim in Pyongyang on Tuesday.")
    assert named.missing(said) is None
    assert named.missing(article("Sergei Shoigu held talks in Pyongyang.")) == "Kim Jong-un"


def test_a_country_is_mentioned_by_any_of_its_names(seed_answerer: Answerer) -> None:
    named = Named.of(seed_answerer.nlp("Who became the prime minister of the United Kingdom?"))
    assert [name for name, _ in named.names] == ["the United Kingdom"]
    for said in (
        "Britain's ruling party chose Sunak.",
        "Sunak, the UK's new leader.",
        "The British premier spoke.",
    ):
        assert named.missing(article(said)) is None, said
    assert named.missing(article("Sunak spoke in Kyiv.")) == "the United Kingdom"
    french = Named.of(seed_answerer.nlp("Where did France send its ambassador?"))
    assert french.missing(article("The French envoy left Niamey.")) is None
    assert french.missing(article("The envoy left Niamey.")) == "France"


def test_nationalities_and_acronyms_are_not_required(seed_answerer: Answerer) -> None:
    for question in (
        "The prime minister of which European nation stepped down this week?",
        "Which MLB team's owner announced a sale this week?",
    ):
        named = Named.of(seed_answerer.nlp(question))
        assert named.missing(article("Boris Johnson resigned as leader on Thursday.")) is None


def test_an_answer_is_not_read_from_articles_that_never_name_the_subject(
    seed_answerer: Answerer,
) -> None:
    answer = seed_answerer.ask(
        "Which team did Luton Town beat in the play-off final?", as_of=date(2025, 6, 20)
    )
    assert answer.abstained and "mentions Luton Town" in answer.text
    assert answer.related  # the closest passages are still listed
    kept = seed_answerer.ask(
        "Which Russian official met Kim in Pyongyang?", as_of=date(2025, 6, 20)
    )
    assert not kept.abstained and "Shoigu" in kept.short


def test_a_numbered_name_is_not_answered_by_another_number(seed_answerer: Answerer) -> None:
    from dateline.qa.constraints import numbers_agree
    from dateline.qa.questions import analyse

    sentences = [
        "Season 3 of The Crown will premiere November 17.",  # another season
        "Season 4 of The Crown will premiere November 15.",
        "The Crown will return in November.",  # no number: not held to it
        "Seasons 3 and season 4 of The Crown were filmed in 2019.",  # the asked one among others
    ]
    docs = list(seed_answerer.nlp.pipe(sentences))
    question = analyse("When does season 4 of The Crown premiere?")
    assert numbers_agree(question, docs) == [False, True, True, True]
    pixel = analyse("When was Pixel 6 announced?")
    said = ["Google announced the Pixel 4a 5G and Pixel 5 in October 2020.", "Pixel 6 is out."]
    assert numbers_agree(pixel, list(seed_answerer.nlp.pipe(said))) == [False, True]
    oscars = analyse("Which movie won Best Picture at the 90th Academy Awards?")
    won = ["“Parasite” won Best Picture at the 92nd Academy Awards."]
    assert numbers_agree(oscars, list(seed_answerer.nlp.pipe(won))) == [False]
    draft = analyse("What is the date of the 2020 NBA Draft?")
    drafts = ["2019 NBA Draft 2021 NBA Draft.", "The 2020 NBA Draft is on November 18."]
    assert numbers_agree(draft, list(seed_answerer.nlp.pipe(drafts))) == [False, True]
    # not names: a count, a date, a question's opening word, a year said as a time
    assert numbers_agree(analyse("What did Google say in 2020?"), docs) == [True] * 4
    assert numbers_agree(analyse("In 2020 Google said what?"), docs) == [True] * 4
    for asked in ("Which 23-time champion will retire?", "Who left after July 4?"):
        assert numbers_agree(analyse(asked), docs) == [True] * 4
    assert numbers_agree(analyse("After 26 years alone, who died?"), docs) == [True] * 4


def test_an_answer_for_another_season_is_refused(tmp_path: Path, seed_answerer: Answerer) -> None:
    third = Article(
        "crown3",
        "The Crown returns",
        "Season 3 of The Crown will premiere November 17.",
        "2019-08-01",
    )
    answerer = answerer_over(tmp_path / "one", [third], seed_answerer)
    asked = "When does season 4 of The Crown premiere?"
    assert answerer.ask(asked, as_of=date(2020, 10, 1)).abstained
    assert not answerer.ask(asked.replace("4", "3"), as_of=date(2019, 9, 1)).abstained
