"""Pure rendering: Answer -> chat markdown and an HTML sources panel. Every piece of article
text, title and URL is escaped here before it becomes HTML."""

from __future__ import annotations

import html
import re
from typing import Any

from ..index import Article, Hit
from ..index.records import web_url
from ..qa import Answer, Citation

__all__ = [
    "CSS",
    "answer_markdown",
    "copy_button",
    "highlighted_paragraph",
    "pending_markdown",
    "reader_name",
    "sources_html",
    "sources_panel",
    "writing_markdown",
]

# the look of the classes rendered here (the chat passes it to Gradio)
CSS = """
.dl-source{border:1px solid var(--border-color-primary);border-radius:8px;padding:10px 12px;
  margin:0 0 10px}
.dl-title{font-weight:600}.dl-n{color:var(--color-accent)}
.dl-meta,.dl-offsets{font-size:0.85em;opacity:0.75;margin:2px 0}
.dl-quote{margin:6px 0;padding-left:10px;border-left:3px solid var(--border-color-accent);
  white-space:pre-wrap}
.dl-quote mark{background:#ffe58a;color:#111;padding:0 2px}
.dl-heading{font-weight:600;margin-bottom:8px}.dl-related{opacity:0.85}
.dl-empty{opacity:0.6;font-style:italic}
.dl-answer{margin:0 0 10px}.dl-answer>summary{cursor:pointer;font-weight:600;margin-bottom:6px}
.dl-source:target{outline:2px solid var(--color-accent);outline-offset:1px}
.dl-copy{font-size:0.85em;border:1px solid var(--border-color-primary);border-radius:6px;
  padding:2px 10px;background:var(--button-secondary-background-fill);cursor:pointer}
"""

_MARKER = re.compile(r"\[(\d{1,3})\]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~<])")


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _anchor(n: int | str, turn: int | None) -> str:
    return f"source-{turn}-{n}" if turn is not None else f"source-{n}"


def answer_markdown(answer: Answer, turn: int | None = None) -> str:
    """The answer as chat markdown: text escaped, each ``[n]`` a link to source n of this
    answer (``turn``: the answer's number in the conversation, so each keeps its own)."""
    lines = []
    for line in answer.text.split("\n"):
        parts = _MARKER.split(line)
        out = []
        for i, part in enumerate(parts):
            if i % 2:
                out.append(f"[\\[{part}\\]](#{_anchor(part, turn)})")
            else:
                out.append(_escape_markdown(part))
        lines.append("".join(out))
    if answer.reading:  # how "this week" / "since the election" was read
        lines.append(f"*Time words {_escape_markdown(answer.reading)}*")
    lines.append(f"*Answered by {_escape_markdown(reader_name(answer.reader))}*")
    return "\n\n".join(lines)


def reader_name(reader: str) -> str:
    """Who read an answer (:attr:`Answer.reader`), for people: "the rules reader"."""
    if reader == "rules":
        return "the rules reader"
    if reader == "llm":
        return "the LLM"
    return f"the local model {reader}"


def pending_markdown(waiting: bool) -> str:
    """The chat's placeholder while a question is answered; ``waiting``: the local model is
    reading another user's question, and this one waits its turn."""
    if waiting:
        return "_Waiting for the local model: it is answering another question…_"
    return "_Searching the articles…_"


def writing_markdown(text: str) -> str:
    """A model's answer while it is being written: shown as such, escaped, not yet cited."""
    return f"_Writing (not checked yet):_ {_escape_markdown(text)}▌"


def highlighted_paragraph(article: Article, start: int, end: int, context: int = 400) -> str:
    """The paragraph around ``[start, end)`` as HTML, the quote inside ``<mark>``."""
    text = article.text
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    left, right = max(left, start - context), min(right, end + context)
    before = ("…" if left > 0 and text[left - 1] != "\n" else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) and text[right] != "\n" else "")
    return f"{html.escape(before)}<mark>{html.escape(text[start:end])}</mark>{html.escape(after)}"


def _byline(published: str | None, source: str | None) -> str:
    return " · ".join(html.escape(b) for b in (published or "undated", source) if b)


def _link(url: str | None) -> str:
    link = web_url(url)
    if not link:
        return ""
    return (
        f'<a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">open article</a>'
    )


def _meta(published: str | None, source: str | None, url: str | None) -> str:
    return " · ".join(b for b in (_byline(published, source), _link(url)) if b)


def _untitled(article: Article) -> bool:
    """An article without a title is titled by its (truncated) first sentence."""
    title = article.title.removesuffix("…").strip()
    return not title or article.text.lstrip().startswith(title)


def _heading(article: Article) -> tuple[str, str]:
    """A card's heading and its meta line. An untitled article's (its first sentence) would
    head each of its cards alike: source and date head those, the quote below tells them apart."""
    if _untitled(article):
        source = " · ".join(b for b in (article.source, article.published or "undated") if b)
        return html.escape(source), _link(article.url)
    return html.escape(article.title), _meta(article.published, article.source, article.url)


def _card(heading: str, meta: str, quote: str, *, css: str = "dl-source", attrs: str = "") -> str:
    return (
        f'<div class="{css}"{attrs}><div class="dl-title">{heading}</div>'
        + (f'<div class="dl-meta">{meta}</div>' if meta else "")
        + f'<blockquote class="dl-quote">{quote}</blockquote>'
    )


def _citation_card(citation: Citation, article: Article, turn: int | None) -> str:
    heading, meta = _heading(article)
    return (
        _card(
            f'<span class="dl-n">[{citation.n}]</span> {heading}',
            meta,
            highlighted_paragraph(article, citation.start, citation.end),
            attrs=f' id="{_anchor(citation.n, turn)}"',
        )
        + f'<div class="dl-offsets">{html.escape(citation.article_id)} · '
        f"{f'page {citation.page} · ' if citation.page else ''}characters "
        f"{citation.start}–{citation.end}</div></div>"
    )


def _related_card(hit: Hit) -> str:
    snippet = hit.chunk.text if len(hit.chunk.text) <= 500 else hit.chunk.text[:499] + "…"
    heading, meta = _heading(hit.article)
    return _card(heading, meta, html.escape(snippet), css="dl-source dl-related") + "</div>"


def sources_html(answer: Answer | None, article_for: Any = None, turn: int | None = None) -> str:
    """One answer's sources: cited articles with the quoted span highlighted in its
    paragraph, or, when Dateline abstained, the related passages labelled as such."""
    if answer is None:
        return '<div class="dl-empty">Sources for the answer appear here.</div>'
    if answer.abstained:
        if not answer.related:
            return '<div class="dl-empty">No related passages.</div>'
        cards = "".join(_related_card(h) for h in answer.related)
        return (
            '<div class="dl-heading">Related passages — not citations: the articles '
            f"don't answer the question</div>{cards}"
        )
    articles = {h.article.id: h.article for h in answer.hits}
    cited = []
    for citation in answer.citations:
        article = articles.get(citation.article_id) or article_for(citation.article_id)
        cited.append(_citation_card(citation, article, turn))
    return f'<div class="dl-heading">Sources</div>{"".join(cited)}'


# copies its data-text (the answer and its citations as plain text): the Clipboard API where
# the page is a secure context (localhost, https), else a selected textarea
_COPY_JS = (
    "(async b => { const t = b.dataset.text; try { await navigator.clipboard.writeText(t); }"
    " catch (e) { const a = document.createElement('textarea'); a.value = t;"
    " document.body.appendChild(a); a.select(); document.execCommand('copy'); a.remove(); }"
    " b.textContent = 'Copied'; })(this)"
)


def copy_button(text: str) -> str:
    """A button that copies ``text`` to the clipboard (for an answer's sources group)."""
    return (
        f'<button class="dl-copy" type="button" data-text="{html.escape(text, quote=True)}" '
        f'onclick="{html.escape(_COPY_JS, quote=True)}">Copy answer with citations</button>'
    )


def sources_panel(groups: list[dict[str, Any]]) -> str:
    """The sources of every answer of the conversation, newest first: each group holds an
    answer's ``turn``, ``question`` and sources ``html``, so ``[1]`` in an earlier answer still
    opens that answer's source (the card it links to is outlined when clicked)."""
    if not groups:
        return sources_html(None)
    ordered = sorted(groups, key=lambda g: -int(g["turn"]))
    return "".join(
        f'<details class="dl-answer" id="answer-{g["turn"]}"{" open" if i == 0 else ""}>'
        f"<summary>Answer {g['turn']}: {html.escape(g['question'])}</summary>{g['html']}"
        "</details>"
        for i, g in enumerate(ordered)
    )
