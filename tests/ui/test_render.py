from __future__ import annotations

import re

from dateline.index import Article, Chunk, Hit
from dateline.index.records import web_url
from dateline.qa import Answer, make_citation
from dateline.ui.app import normalise_history
from dateline.ui.render import answer_markdown, highlighted_paragraph, sources_html

EVIL = Article(
    id="evil",
    title="<script>alert(1)</script> Big <b>news</b>",
    published="2025-06-19",
    source="<img src=x onerror=alert(1)>",
    url="javascript:alert(1)",
    text="Intro paragraph.\n\nOfficials said 300 <img src=x onerror=alert(1)> "
    "troops left. More text follows here.\n\nLast paragraph.",
)


def evil_answer() -> Answer:
    start = EVIL.text.index("Officials")
    end = EVIL.text.index("left.") + len("left.")
    citation = make_citation(1, EVIL, start, end)
    chunk = Chunk("evil:0-10", "evil", 0, 10, EVIL.text[:10])
    return Answer(
        question="q",
        text=f"300 troops [1]\n“{citation.quote}” [1]",
        citations=(citation,),
        hits=(Hit(chunk, 1.0, 1, EVIL),),
        abstained=False,
    )


def test_markdown_escapes_text_and_links_markers() -> None:
    markdown = answer_markdown(evil_answer())
    assert "<img" not in markdown and "&lt;img src=x onerror=alert\\(1\\)&gt;" in markdown
    assert markdown.count("(#source-1)") == 2
    assert "Time words" not in markdown


def test_markdown_shows_how_time_words_were_read_escaped() -> None:
    import dataclasses

    answer = dataclasses.replace(evil_answer(), reading="“since <b>x</b>” (taken as 2025-06-19)")
    last = answer_markdown(answer).split("\n\n")[-2]  # the reader line comes last
    assert last == "*Time words “since &lt;b&gt;x&lt;/b&gt;” \\(taken as 2025-06-19\\)*"


def test_sources_panel_escapes_everything_and_highlights_the_quote() -> None:
    panel = sources_html(evil_answer())
    assert "<script>" not in panel and "<img" not in panel and "<b>" not in panel
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "javascript:" not in panel  # unsafe URL dropped
    assert (
        "<mark>Officials said 300 &lt;img src=x onerror=alert(1)&gt; troops left.</mark>" in panel
    )
    assert 'id="source-1"' in panel and "characters" in panel


def test_highlight_stays_inside_its_paragraph() -> None:
    start = EVIL.text.index("300")
    html = highlighted_paragraph(EVIL, start, start + 3)
    assert html.startswith("Officials said <mark>300</mark>")
    assert "Intro" not in html and "Last paragraph" not in html


def test_abstention_lists_related_passages_labelled_as_such() -> None:
    chunk = Chunk("evil:0-16", "evil", 0, 16, EVIL.text[:16])
    hit = Hit(chunk, 0.1, 1, EVIL)
    answer = Answer(
        question="q",
        text="The indexed articles don't answer this.",
        citations=(),
        hits=(hit,),
        abstained=True,
        related=(hit,),
    )
    panel = sources_html(answer)
    assert "Related passages — not citations" in panel and "Intro paragraph." in panel
    empty = sources_html(None)
    assert "dl-empty" in empty and "appear here" in empty and "Related" not in empty


def test_only_web_urls_are_links_or_api_urls() -> None:
    assert web_url(" https://example.org/a") == "https://example.org/a"
    assert web_url("javascript:alert(1)") is None and web_url(None) is None
    article = Article("x", "t", "Some text here.", url="javascript:alert(1)")
    hit = Hit(Chunk("c", "x", 0, 4, "Some"), 1.0, 1, article)
    assert hit.to_dict()["url"] is None  # the API's JSON carries no script URL


def test_history_normalisation_handles_gradio_shapes() -> None:
    history = [
        {"role": "user", "content": "How many troops?"},
        {"role": "assistant", "content": "Around 14,000 troops [1]"},
        {"role": "user", "content": [{"type": "text", "text": "And sappers?"}]},
    ]
    assert [t.question for t in normalise_history(history)] == ["How many troops?", "And sappers?"]
    assert [t.question for t in normalise_history([["Hi", "Hello"]])] == ["Hi"]
    assert normalise_history(None) == []


def test_untitled_articles_cards_are_headed_by_source_and_date() -> None:
    text = (
        "North Korea on Thursday underscored its alliance with Russia. It sent 14,000 troops. "
        "Around 1,000 sappers will follow."
    )
    # an article without a title: its title is its (truncated) first sentence
    seed = Article("seed", "North Korea on Thursday underscored…", text, "2025-06-19", "Yonhap")
    cited = [
        make_citation(n, seed, text.index(s), text.index(s) + len(s))
        for n, s in ((1, "It sent 14,000 troops."), (2, "Around 1,000 sappers will follow."))
    ]
    chunk = Chunk("seed:0-10", "seed", 0, 10, text[:10])
    answer = Answer(
        question="q",
        text="14,000 [1] 1,000 [2]",
        citations=tuple(cited),
        hits=(Hit(chunk, 1.0, 1, seed),),
        abstained=False,
    )
    panel = sources_html(answer)
    headings = re.findall(r'<div class="dl-title">(.*?)</div>', panel)
    assert headings == [
        '<span class="dl-n">[1]</span> Yonhap · 2025-06-19',
        '<span class="dl-n">[2]</span> Yonhap · 2025-06-19',
    ]
    assert "underscored" not in panel.split("<blockquote")[0]  # not the first sentence
    assert "<mark>It sent 14,000 troops.</mark>" in panel  # the cited sentence, below
    titled = sources_html(evil_answer())  # a real title still heads its card
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Big &lt;b&gt;news&lt;/b&gt;" in titled


def test_markdown_says_which_reader_answered() -> None:
    import dataclasses

    answer = evil_answer()
    assert answer_markdown(answer).endswith("*Answered by the rules reader*")
    local = dataclasses.replace(answer, reader="qwen2.5-1.5b")
    assert answer_markdown(local).endswith("*Answered by the local model qwen2.5-1.5b*")
    llm = dataclasses.replace(answer, reader="llm")
    assert answer_markdown(llm).endswith("*Answered by the LLM*")
