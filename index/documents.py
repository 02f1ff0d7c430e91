"""PDF and Word (DOCX) documents as articles: press releases and reports arrive as these.

A PDF's pages are joined with a form feed on a line of its own (``"\\n\\f\\n"``), so the text
keeps its page breaks and every offset stays exact: the page of a citation is one plus the form
feeds before it (:func:`page_of`). A PDF without a text layer (a scan) is skipped with a reason.
"""

from __future__ import annotations

import io
from datetime import datetime

from .errors import BadArticle
from .records import Article
from .sources import make_article

__all__ = ["PAGE_BREAK", "is_docx", "is_pdf", "page_of", "read_docx", "read_pdf"]

PAGE_BREAK = "\n\f\n"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def is_docx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]


def page_of(text: str, offset: int) -> int | None:
    """The 1-based page of ``offset`` in a text read from a PDF; None for other texts."""
    if "\f" not in text:
        return None
    return text.count("\f", 0, offset) + 1


def read_pdf(where: str, data: bytes) -> Article:
    """The text of every page, the title and creation date from the document's metadata."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadArticle(where, "an encrypted PDF; save an unprotected copy and index that")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        meta = reader.metadata
    except BadArticle:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise BadArticle(where, f"not a readable PDF ({exc}); is it really a PDF?") from exc
    if not any(pages):
        raise BadArticle(where, "no text in this PDF (a scan?); run OCR on it first")
    created = getattr(meta, "creation_date", None) if meta is not None else None
    return make_article(
        where,
        text=PAGE_BREAK.join(pages),
        title=(getattr(meta, "title", None) or None) if meta is not None else None,
        published=created if isinstance(created, datetime) else None,
    )


def read_docx(where: str, data: bytes) -> Article:
    """The paragraphs of a Word document, one per line; title and date from its properties."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise BadArticle(where, f"not a readable Word document ({exc})") from exc
    text = "\n".join(p.text for p in document.paragraphs if p.text.strip())
    props = document.core_properties
    return make_article(
        where, text=text, title=props.title or None, published=props.created or None
    )
