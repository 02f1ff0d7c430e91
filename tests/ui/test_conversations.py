"""Past conversations are filed under their first question."""

from __future__ import annotations

from datetime import datetime

from dateline.ui.conversations import file_away


def test_a_conversation_is_filed_under_its_question_text() -> None:
    when = datetime(2026, 12, 7, 1, 40)
    # Gradio 6 sends a message's content as a list of parts
    parts = [{"text": "How many troops were deployed?", "type": "text"}]
    current = {"history": [{"role": "user", "content": parts}], "groups": []}
    assert file_away([], current, when)[0]["title"] == "How many troops were deployed?"
    plain = {"history": [{"role": "user", "content": "When was it signed?"}], "groups": []}
    assert file_away([], plain, when)[0]["title"] == "When was it signed?"
