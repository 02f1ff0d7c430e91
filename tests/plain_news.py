"""Plain made-up articles, written here, and the questions anyone would ask of them: the
everyday case the reader must get right (no news text from elsewhere)."""

from __future__ import annotations

from dateline.index import Article

LIBRARY = Article(
    id="plain-library",
    title="Elwin library reopens after two years of repairs",
    published="2026-03-14",
    source="elwin-courier",
    text=(
        "The public library in Elwin reopened on Saturday after two years of repairs. "
        "The repairs cost 1.2 million euros and were paid mostly by the regional government. "
        "Mayor Tomas Berg cut the ribbon in front of about 300 residents. "
        "The old roof had leaked for years, and water damaged part of the children's section. "
        "The library now has a reading room for students and a new lift. "
        "Head librarian Sara Lind said the building was “finally warm and dry again.”"
    ),
)
HARBOUR = Article(
    id="plain-harbour",
    title="Fishing fleet back early at Porthaven",
    published="2026-03-16",
    source="coast-weekly",
    text=(
        "The fishing fleet returned to Porthaven two days early because of rough seas "
        "forecast for the weekend. "
        "The harbour master counted 42 fishing boats in the harbour on Sunday morning. "
        "Harbour master Ines Calloway said no boat had been damaged. "
        "The fleet usually stays out for five days at this time of year. "
        "Fish prices at the Monday market rose by 8 percent after the early return."
    ),
)
FERRY = Article(
    id="plain-ferry",
    title="Ferry strike ends after nine days",
    published="2026-03-18",
    source="coast-weekly",
    text=(
        "Ferry workers at BlueWake Ferries ended a nine-day strike on Tuesday. "
        "The workers accepted a 4% raise and a shorter night shift. "
        "The union, which has 640 members, had asked for 7%. "
        "About 12,000 passengers a day were stranded during the strike, the company said. "
        "Ferries to the islands will run on the normal timetable from Wednesday."
    ),
)
ARTICLES = [LIBRARY, HARBOUR, FERRY]
AS_OF = "2026-03-20"

# (question, accepted short answers); an empty list: the articles don't say
QUESTIONS: list[tuple[str, list[str]]] = [
    ("How much did the library repairs cost?", ["1.2 million euros"]),
    ("Who is the harbour master?", ["Ines Calloway", "Harbour master Ines Calloway"]),
    ("What raise did the ferry workers accept?", ["4%", "a 4% raise"]),
    ("Who paid for the library repairs?", ["the regional government", "regional government"]),
    ("How many residents watched the library reopen?", ["about 300", "300"]),
    ("How many fishing boats did the harbour master count?", ["42", "42 fishing boats"]),
    ("Why did the fishing fleet return early?", ["because of rough seas forecast", "rough seas"]),
    ("How many members does the ferry union have?", ["640"]),
    ("Who cut the ribbon at the library?", ["Mayor Tomas Berg", "Tomas Berg"]),
    ("How many passengers were stranded by the ferry strike?", ["About 12,000", "12,000"]),
    ("How long did the ferry strike last?", ["nine days", "nine-day"]),
    ("How much did fish prices rise after the early return?", ["8 percent", "by 8 percent"]),
    ("How many books does the Elwin library hold?", []),
    ("How much did the new lift at the library cost?", []),
    ("Who leads the ferry workers' union?", []),
    ("Which company built the new lift at the library?", []),
]
