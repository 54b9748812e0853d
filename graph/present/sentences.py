"""An article's text cut into paragraphs and sentences, each sentence with the facts whose
quotes lie (at least in part) within it."""

from __future__ import annotations

import re

# A sentence ends at . ! or ?, perhaps inside a closing quote, before a space and a capital
# letter or an opening quote.
_BOUNDARY = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[“\"A-Z])")


def sentence_spans(paragraph: str, offset: int) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.start() + len(match.group(0).rstrip())
        spans.append((offset + start, offset + end))
        start = match.end()
    if paragraph[start:].strip():
        spans.append((offset + start, offset + len(paragraph)))
    return spans


def annotate(text: str, quotes: dict[str, str]) -> tuple[list[list[dict]], list[str]]:
    """The paragraphs, each a list of sentences {"n", "text", "facts", "parts"}, where parts
    cut the sentence where quotes begin and end, each part with the facts quoting it; and the
    facts whose quote is not in the text."""
    places = {}
    for fact, quote in quotes.items():
        at = text.find(quote) if quote else -1
        if at >= 0:
            places[fact] = (at, at + len(quote))
    paragraphs, offset, n = [], 0, 0
    for line in text.split("\n"):
        sentences = []
        for start, end in sentence_spans(line, offset):
            n += 1
            facts = sorted(f for f, (a, b) in places.items() if a < end and b > start)
            sentences.append({"n": n, "text": text[start:end], "facts": facts,
                              "parts": _parts(text, start, end, {f: places[f] for f in facts})})
        if sentences:
            paragraphs.append(sentences)
        offset += len(line) + 1
    return paragraphs, sorted(set(quotes) - set(places))


def _parts(text: str, start: int, end: int, places: dict[str, tuple[int, int]]) -> list[dict]:
    cuts = sorted({start, end} | {x for a, b in places.values() for x in (a, b) if start < x < end})
    return [{"text": text[a:b], "facts": sorted(f for f, (qa, qb) in places.items() if qa <= a and qb >= b)}
            for a, b in zip(cuts, cuts[1:], strict=False)]
