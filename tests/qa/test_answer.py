from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dateline.index import Article, MiniLMEmbedder
from dateline.qa import Answer, Answerer, Turn
from tests.conftest import answerer_over


def check_citations(answer: Answer, answerer: Answerer) -> None:
    for citation in answer.citations:
        article = answerer.searcher.store.article(citation.article_id)
        assert article.text[citation.start : citation.end] == citation.quote
        assert f"[{citation.n}]" in answer.text


def test_troops(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many troops were deployed?")
    assert not answer.abstained
    assert "14,000" in answer.short and "troops" in answer.short
    assert answer.text.startswith("Around 14,000 troops [1]")
    assert any("14,000 troops" in c.quote for c in answer.citations)
    check_citations(answer, seed_answerer)


def test_treaty_date_is_resolved_against_the_article_date(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("When was the treaty signed?")
    assert answer.short.startswith("June 19, 2024")
    assert "June 19 last year" in answer.citations[0].quote
    check_citations(answer, seed_answerer)


def test_sappers_picks_the_number_that_counts_sappers(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many sappers will be sent?")
    assert answer.short == "1,000 sappers"
    assert "5,000" not in answer.short
    check_citations(answer, seed_answerer)


def test_unanswerable_question_abstains_with_related_passages(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How old is Kim Jong-un?")
    assert answer.abstained and answer.citations == ()
    assert "don't answer" in answer.text
    assert answer.related and all(
        h.article.text[h.chunk.start : h.chunk.end] == h.chunk.text for h in answer.related
    )
    assert answer.to_dict()["citations"] == [] and answer.to_dict()["related"]
    # a figure is asked for, and the seed gives none of it: no treaty name, no troop count
    assert seed_answerer.ask("What is the population of Pyongyang?").abstained
    # a date still to come: the seed gives only dates already past (the treaty's, the talks')
    assert seed_answerer.ask(
        "When will the next summit between Kim and Putin take place?"
    ).abstained


def test_weekday_resolves_to_a_calendar_date(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("When did Kim meet Shoigu?")
    assert answer.short.startswith("June 17, 2025")
    assert "On Tuesday" in answer.citations[0].quote


def test_follow_up_uses_the_previous_question(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("and how many sappers?", [Turn("How many troops were deployed?")])
    assert "troops" in answer.query.lower()
    assert answer.short == "1,000 sappers"


def test_names(seed_answerer: Answerer) -> None:
    assert seed_answerer.ask("Who did Kim meet in Pyongyang on Tuesday?").short == "Sergei Shoigu"
    assert seed_answerer.ask("Which newspaper issued the message?").short == "Rodong Sinmun"
    # "Russia's Kursk frontline region": the region is Kursk, not its owner
    assert seed_answerer.ask("Which region are the sappers being sent to?").short == "Kursk"


def test_date_window_before_publication_abstains(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many troops were deployed?", until=date(2025, 1, 1))
    assert answer.abstained and answer.hits == ()


def test_empty_question_is_refused(seed_answerer: Answerer) -> None:
    with pytest.raises(ValueError, match="question is empty"):
        seed_answerer.ask("  ")


def test_to_dict_shape(seed_answerer: Answerer) -> None:
    data = seed_answerer.ask("How many troops were deployed?").to_dict()
    assert {"question", "answer", "abstained", "citations", "related"} <= set(data)
    assert set(data["citations"][0]) == {
        "n",
        "article_id",
        "title",
        "published",
        "url",
        "start",
        "end",
        "quote",
        "page",
    }
    assert data["citations"][0]["page"] is None  # a text article has no pages


def test_a_pdf_answer_cites_its_page(
    tmp_path: Path, real_embedder: MiniLMEmbedder, seed_answerer: Answerer
) -> None:
    from dateline.index import Searcher, Store, index_paths
    from tests.documents import make_pdf

    pages = [
        ["Typhoon report.", "Winds reached 140 km/h on Monday in the south."],
        ["The typhoon cut power to 12,000 homes in Busan on Monday night."],
        ["Repairs will take a week, officials said."],
    ]
    pdf = tmp_path / "typhoon.pdf"
    pdf.write_bytes(make_pdf(pages, title="Typhoon hits Busan"))
    store = Store.open_or_create(tmp_path / "ix", real_embedder)
    index_paths(store, [pdf], real_embedder)
    answerer = Answerer(Searcher(store, real_embedder), nlp=seed_answerer.nlp)
    answer = answerer.ask("How many homes did the typhoon cut power to?")
    assert not answer.abstained and "12,000" in answer.short
    (citation,) = answer.citations
    assert citation.page == 2 and citation.to_dict()["page"] == 2
    check_citations(answer, answerer)


def test_conflicting_figures_from_two_articles_are_both_cited(
    tmp_path: Path, seed_answerer: Answerer
) -> None:
    from dateline.index import read_paths
    from tests.conftest import SEEDS

    other = Article(
        id="earlier",
        title="Seoul says 11,000 troops sent",
        published="2024-12-01",
        source="Example Wire",
        text="South Korea's spy agency said North Korea deployed about 11,000 troops "
        "to Russia to fight against Ukraine. The troops were sent to Kursk.",
    )
    answerer = answerer_over(tmp_path, [*read_paths([SEEDS]).articles, other], seed_answerer)
    answer = answerer.ask("How many troops were deployed?")
    assert not answer.abstained and len(answer.citations) == 2
    figures = {c.article_id: c.quote for c in answer.citations}
    assert "earlier" in figures and any("14,000" in q for q in figures.values())
    # the newest figure leads, the earlier one is mentioned with its date
    assert answer.short == "Around 14,000 troops"
    assert answer.citations[0].published == "2025-06-19"
    assert (
        "Earlier, on December 1, 2024, another article reported about 11,000 troops [2]"
        in answer.text
    )
    assert answer.notes == ("newer figure wins",)
    check_citations(answer, answerer)

    # as of a day between the two articles, only the earlier one exists
    before = answerer.ask("How many troops were deployed?", as_of=date(2025, 1, 15))
    assert before.short.startswith("About 11,000 troops")
    assert len(before.citations) == 1 and before.citations[0].article_id == "earlier"

    # a month named in the question is preferred, not a filter: its report answers first
    december = answerer.ask("How many troops were deployed in December?", as_of=date(2025, 6, 20))
    assert december.short.startswith("About 11,000 troops")
    assert december.citations[0].article_id == "earlier"
    assert {h.article.id for h in december.hits} > {"earlier"}  # the June article still found
    check_citations(december, answerer)


def test_ask_answers_from_what_retrieve_found(seed_answerer: Answerer) -> None:
    answerer = Answerer(seed_answerer.searcher, nlp=seed_answerer.nlp, k=2)
    question = "How many troops were deployed?"
    retrieval = answerer.retrieve(question, as_of=date(2025, 6, 20), k=50)
    assert len(retrieval.hits) > answerer.k  # the answer reads only the best k of them
    assert answerer.answer(retrieval) == answerer.ask(question, as_of=date(2025, 6, 20))


def test_old_answers_say_when_they_were_reported(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many troops were deployed?", as_of=date(2026, 11, 26))
    assert answer.text.startswith("Around 14,000 troops (as reported on June 19, 2025) [1]")
    fresh = seed_answerer.ask("How many troops were deployed?", as_of=date(2025, 6, 20))
    assert fresh.text.startswith("Around 14,000 troops [1]")


def test_as_of_before_publication_abstains(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many troops were deployed?", as_of=date(2025, 1, 1))
    assert answer.abstained


def test_question_about_a_time_after_the_as_of_date_abstains(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many troops were deployed in 2026?", as_of=date(2025, 6, 20))
    assert answer.abstained and "in 2026, after 2025-06-20" in answer.text


def test_an_optional_cross_encoder_reranks_sentences(seed_answerer: Answerer) -> None:
    class KeywordCrossEncoder:  # anything with CrossEncoder's predict(pairs)
        def __init__(self) -> None:
            self.pairs: list[tuple[str, str]] = []

        def predict(self, pairs: list[tuple[str, str]]) -> list[float]:
            self.pairs.extend(pairs)
            return [4.0 if "sappers" in sentence else -4.0 for _, sentence in pairs]

    encoder = KeywordCrossEncoder()
    answerer = Answerer(seed_answerer.searcher, nlp=seed_answerer.nlp, cross_encoder=encoder)
    answer = answerer.ask("How many sappers will be sent?")
    assert encoder.pairs and answer.short == "1,000 sappers"
    assert answer.confidence > 0.5


def test_from_index_embeds_queries_with_the_index_backend(seed_index, model_cache) -> None:  # type: ignore[no-untyped-def]
    from dateline.index.retriever import DatelineRetriever

    answerer = Answerer.from_index(seed_index, cache_dir=model_cache)
    assert answerer.searcher.embedder.backend == answerer.searcher.store.manifest.backend
    assert "14,000" in answerer.ask("How many troops were deployed?").short
    retriever = DatelineRetriever.from_index(seed_index, cache_dir=model_cache, k=2)
    assert len(retriever.invoke("sappers")) == 2


def test_time_words_are_read_out_with_the_answer(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("How many troops were deployed this week?", as_of=date(2025, 6, 20))
    assert answer.reading == "“this week”: favouring articles from 2025-06-14 to 2025-06-21"
    assert answer.to_dict()["time_words"] == answer.reading
    assert not answer.abstained  # a preferred window, so the answer is the same one
    assert "14,000" in answer.short
    # an event is dated by the newest article about it up to the as-of date
    event = seed_answerer.ask(
        "How many troops were deployed since the treaty anniversary?", as_of=date(2025, 6, 20)
    )
    assert event.reading.startswith("“since the treaty anniversary” (dated by “North Korea on")
    assert event.reading.endswith("…”): favouring articles from 2025-06-19 to 2025-06-21")
    assert (
        seed_answerer.ask("How many troops were deployed?", as_of=date(2025, 6, 20)).reading == ""
    )


@pytest.mark.parametrize(
    "question, expected",
    [
        # the span plays the role asked: not the question's own subject ("Kim")
        ("Which Russian official met Kim in Pyongyang?", "Sergei Shoigu"),
        # the date attached to the asked verb, not the day the article was published
        ("When was the mutual defense treaty signed?", "June 19, 2024"),
        # the entity whose head noun is the class asked for ("Rodong Sinmun newspaper")
        ("Which newspaper praised the alliance?", "Rodong Sinmun"),
        # the reason clause
        ("Why did North Korean media leave out the decision?", "domestic public opinion"),
        # the country attached to the asked adjective: "exports to China remain sluggish"
        ("To which country are North Korea's exports sluggish?", "China"),
        # a purpose clause, "to" + verb, after what was decided
        ("Why did the North decide on the additional troop deployment?", "gain more rewards"),
        # the person who holds the office asked about ("Security Council Secretary Sergei Shoigu")
        ("Who is the Secretary of Russia's Security Council?", "Sergei Shoigu"),
        # what was said: the words in quotes the asked verb takes, not the speaker
        ("How did the Rodong Sinmun describe the military deployment?", "most exemplary"),
        ("What did the daily call the treaty?", "a new chapter in the friendship"),
    ],
)
def test_the_answer_plays_the_role_the_question_asks(
    seed_answerer: Answerer, question: str, expected: str
) -> None:
    answer = seed_answerer.ask(question, as_of=date(2025, 6, 20))
    assert not answer.abstained
    assert expected in answer.short
    # the words the answer was read from are in its quote: a date's phrase as written
    # ("June 19, 2024 (“June 19 last year”)"), else the expected words themselves
    written = re.search(r"\(“(.+?)”\)", answer.short)
    assert (written[1] if written else expected) in answer.citations[0].quote


def test_what_was_said_is_answered_with_the_words_said(
    seed_answerer: Answerer, tmp_path: Path
) -> None:
    # a quotation is given verbatim, in quotes; the newspaper asked about is not the answer
    quoted = seed_answerer.ask("What did the newspaper call the alliance?", as_of=date(2025, 6, 20))
    assert quoted.short == "“absolute solidity”"
    check_citations(quoted, seed_answerer)
    # without quotation marks, the clause a verb of saying takes, or what it describes "as"
    council = Article(
        id="council",
        title="Council rejects bridge plan",
        published="2025-05-02",
        text="The city council met on Thursday to vote on the new bridge. The council described "
        "the bridge plan as a waste of public money. The mayor said the old bridge would reopen "
        "in September after repairs. About 200 residents attended the meeting.",
    )
    answerer = answerer_over(tmp_path, [council], seed_answerer)
    day = date(2025, 5, 3)
    described = answerer.ask("How did the council describe the bridge plan?", as_of=day)
    assert described.short == "A waste of public money"
    said = answerer.ask("What did the mayor say about the old bridge?", as_of=day)
    assert said.short == "The old bridge would reopen in September after repairs"
    check_citations(said, answerer)


def test_a_figure_for_another_predicate_is_not_an_answer(seed_answerer: Answerer) -> None:
    # the article gives 14,000 troops *deployed*; it gives no death toll
    answer = seed_answerer.ask(
        "How many North Korean soldiers were killed in the war?", as_of=date(2025, 6, 20)
    )
    assert answer.abstained and "14,000" not in answer.text
    assert answer.related  # what is there is still shown, as related passages


def test_a_figure_of_another_thing_is_not_an_answer(seed_answerer: Answerer) -> None:
    # the article counts troops, workers and sappers; never tanks
    answer = seed_answerer.ask("How many tanks did Russia send to North Korea?")
    assert answer.abstained and "workers" not in answer.text.split("closest")[0]
    # ... while a figure of a close noun still answers ("soldiers" ~ "troops")
    close = seed_answerer.ask("How many soldiers did North Korea deploy to the Russian side?")
    assert "14,000 troops" in close.short


def test_a_person_without_the_asked_office_is_not_an_answer(seed_answerer: Answerer) -> None:
    # the article names a leader, a president and a security chief; never a foreign minister
    day = date(2025, 6, 20)
    answer = seed_answerer.ask("Who is North Korea's foreign minister?", as_of=day)
    assert answer.abstained and "Kim Jong-un" not in answer.text.split("closest")[0]
    # ... while the office it does name is answered ("Russian President Vladimir Putin")
    named = seed_answerer.ask("Who is the Russian president?", as_of=day)
    assert not named.abstained and "Putin" in named.short


def test_a_standalone_question_is_not_read_as_a_follow_up(seed_answerer: Answerer) -> None:
    history = [Turn("How many troops were deployed?")]
    standalone = seed_answerer.ask("When was the treaty signed?", history, as_of=date(2025, 6, 20))
    assert standalone.query == "When was the treaty signed?"
    assert standalone.short.startswith("June 19, 2024")
    for elliptical in ("and how many sappers?", "How many sappers?"):
        follow_up = seed_answerer.ask(elliptical, history, as_of=date(2025, 6, 20))
        assert "troops" in follow_up.query and follow_up.short == "1,000 sappers"


def test_a_question_whose_verb_is_be_stands_alone(seed_answerer: Answerer) -> None:
    """A restored conversation about troops, then a question about something else whose only
    verb is "be": it names its own subject, so it is not rewritten with the troops."""
    history = [Turn("How many troops were deployed?")]
    for asked in ("How long will the cycle lane be?", "Who is the harbour master?"):
        answer = seed_answerer.ask(asked, history, as_of=date(2025, 6, 20))
        assert answer.query == asked
        assert answer.abstained
    for elliptical in ("When was that?", "Who said that?", "what about sappers?"):
        follow_up = seed_answerer.ask(elliptical, history, as_of=date(2025, 6, 20))
        assert "troops" in follow_up.query


def test_this_week_is_not_answered_from_an_article_of_another_year(
    seed_answerer: Answerer,
) -> None:
    question = "How many troops did North Korea deploy this week?"
    now = seed_answerer.ask(question, as_of=date(2025, 6, 20))  # the seed is from 2025-06-19
    assert not now.abstained and "14,000" in now.short
    later = seed_answerer.ask(question, as_of=date(2026, 3, 1))
    assert later.abstained and "no article from February 2" in later.text
    assert later.related  # the passages are still shown, as related


def test_a_question_about_the_present_is_not_answered_from_old_news(
    seed_answerer: Answerer,
) -> None:
    question = "How many troops is North Korea deploying to Russia?"
    now = seed_answerer.ask(question, as_of=date(2025, 6, 20))  # the seed is from 2025-06-19
    assert not now.abstained and "14,000" in now.short
    later = seed_answerer.ask(question, as_of=date(2026, 3, 1))
    assert later.abstained and "asks about the present (“is deploying”)" in later.text
    assert "June 19, 2025, 8 months before March 1, 2026 (ask as of June 20, 2025" in later.text
    assert later.related
    # a plan is reported before it happens: an old article still answers it
    plan = seed_answerer.ask("How many military construction workers will Kim send?")
    assert not plan.abstained and "5,000" in plan.short


def test_a_year_the_question_names_must_be_the_articles(seed_answerer: Answerer) -> None:
    day = date(2025, 6, 20)
    # the seed (published 2025) reports the deployment to the Kursk campaign, not one of 2019
    asked = "How many troops did North Korea deploy in the {} Kursk campaign?"
    assert seed_answerer.ask(asked.format(2019), as_of=day).abstained
    answer = seed_answerer.ask(asked.format(2025), as_of=day)
    assert not answer.abstained and "14,000" in answer.short
    # "in 2024": the article of 2025 tells of "October last year"; a year is no window that
    # only its own reports may answer, as "this week" is
    began = seed_answerer.ask(
        "When did the deployment to the war against Ukraine begin in 2024?", as_of=day
    )
    assert not began.abstained and "October 2024" in began.short


def test_a_window_since_an_event_orders_answers_and_refuses_none(
    tmp_path: Path, seed_answerer: Answerer
) -> None:
    reports = {  # the tally, and a later report that dates the invasion, roughly, by its day
        "2025-06-01": "Since the invasion began, the administration has approved more than "
        "$6 billion in security assistance for Ukraine.",
        "2025-07-10": "The invasion began in February. Fighting goes on, officials said.",
    }
    articles = [
        Article(id=day, title=f"Report of {day}", published=day, text=text)
        for day, text in reports.items()
    ]
    answerer = answerer_over(tmp_path, articles, seed_answerer)
    question = (
        "How much has the administration approved in security assistance since the invasion began?"
    )
    answer = answerer.ask(question, as_of=date(2025, 7, 15))
    assert "since the invasion began" in answer.reading  # read as a window from the event
    assert not answer.abstained and "$6 billion" in answer.short
    check_citations(answer, answerer)


def test_confidence_weighs_the_answer_sentence_with_the_best_sentence_read(
    seed_answerer: Answerer,
) -> None:
    from dateline.qa.answer import DEPTH
    from dateline.qa.compose import CLASS_EVIDENCE
    from dateline.qa.questions import analyse

    question = "Which newspaper praised the alliance?"
    answer = seed_answerer.ask(question)
    assert answer.short == "Rodong Sinmun" and not answer.abstained
    retrieval = seed_answerer.retrieve(question)
    ranked = seed_answerer.ranker.select(
        analyse(question, seed_answerer.nlp(question)),
        retrieval.hits[:DEPTH],
        seed_answerer.sentence_embedder,
        lambda texts: list(seed_answerer.nlp.pipe(texts)),
        seed_answerer.searcher.embedder.embed_query(question),
    )
    cited = next(c for c in ranked if c.start == answer.citations[0].start)
    # the newspaper's own sentence (plus the class evidence: "newspaper" is the class asked
    # for) averaged with the best sentence read: a strong best sentence makes any answer surer
    expected = (cited.score + CLASS_EVIDENCE + ranked[0].score) / 2
    assert answer.confidence == pytest.approx(expected)
    assert answer.confidence != pytest.approx(cited.score + CLASS_EVIDENCE)


def test_sentences_are_embedded_by_the_int8_sibling_of_the_index_model(
    seed_answerer: Answerer,
) -> None:
    embedder = seed_answerer.searcher.embedder
    assert isinstance(embedder, MiniLMEmbedder) and embedder.backend == "onnx"
    sentences = seed_answerer.sentence_embedder
    assert sentences.backend == "onnx-int8" and sentences is embedder.quantized()  # made once
    texts = ["North Korea deployed around 14,000 troops.", "The treaty was signed last year."]
    exact, quick = embedder.embed(texts), sentences.embed(texts)
    assert not np.array_equal(exact, quick)  # another model...
    assert (np.sum(exact * quick, axis=1) > 0.95).all()  # ...that says the same
    query = embedder.embed_query("How many troops were deployed?")
    assert np.argmax(exact @ query) == np.argmax(quick @ query) == 0
