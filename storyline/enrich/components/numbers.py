"""Numbers with what they count: "122 strike drones", "$100 million", "four hours", "nineteen points".

spaCy finds the numbers (CARDINAL, MONEY, QUANTITY, PERCENT, and durations among DATE/TIME);
the value is parsed here (digits, "1,400", "nineteen", "100 million") and the unit is the
currency or the noun the number modifies in the dependency parse, with its modifiers
("strike drones", "guided aerial bombs").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span as SpacySpan

from storyline.enrich.registry import component
from storyline.models import EnrichedArticle, NumberMention, Span
from storyline.settings import Settings

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_VALUES: dict[str, float] = {w: i for i, w in enumerate(_UNITS)}
WORD_VALUES |= {w: 10 * (i + 2) for i, w in enumerate(_TENS)}
WORD_VALUES |= {"a": 1, "an": 1, "dozen": 12, "dozens": 12, "half": 0.5}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
CURRENCIES = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "hryvnias": "UAH", "rubles": "RUB", "roubles": "RUB"}
_DURATION = re.compile(r"^(?:about |nearly |more than |over |some |at least )?[\w,.-]+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)$", re.I)
_NUMBER_TOKEN = re.compile(r"^\d[\d,]*(?:\.\d+)?$")


def parse_value(text: str) -> float | None:
    """The value of a written number: "1,400" -> 1400, "$100 million" -> 1e8, "nineteen" -> 19, "twenty-eight" -> 28."""
    words = re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", text.lower().replace("-", " "))
    value: float | None = None
    current = 0.0
    seen = False
    for w in words:
        if _NUMBER_TOKEN.match(w):
            current += float(w.replace(",", ""))
            seen = True
        elif w in WORD_VALUES and (w not in {"a", "an"} or not seen):
            current += WORD_VALUES[w]
            seen = seen or w not in {"a", "an"}
        elif w in SCALES and (seen or current):
            current = (current or 1) * SCALES[w]
            if SCALES[w] >= 1e3:
                value = (value or 0) + current
                current = 0
            seen = True
        elif w == "percent" and seen:
            break
    if not seen:
        return None
    return (value or 0) + current


def _counted(ent: SpacySpan) -> SpacySpan | None:
    """The noun phrase a number counts: from after the number to the noun it modifies."""
    root = ent.root
    head = root.head
    if root.dep_ in {"nummod", "quantmod", "amod", "compound"} and head.i >= ent.end and head.pos_ in {"NOUN", "PROPN"}:
        return ent.doc[ent.end : head.i + 1]
    # "three of the people", "19 injured": the noun right after the number
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.head == root or (nxt is not None and nxt.pos_ == "NOUN" and nxt.i == ent.end and root.dep_ == "nummod"):
        return ent.doc[ent.end : nxt.i + 1]
    return None


def _currency(ent: SpacySpan) -> str | None:
    text = ent.text.lower()
    for mark, code in CURRENCIES.items():
        if text.startswith(mark) or text.endswith(" " + mark):
            return code
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if nxt is not None and nxt.lower_ in CURRENCIES:
        return CURRENCIES[nxt.lower_]
    prev = ent.doc[ent.start - 1] if ent.start else None
    if prev is not None and prev.text in CURRENCIES:
        return CURRENCIES[prev.text]
    return None


@component("numbers", requires=("doc.ents", "doc.deps"), assigns=("record.numbers",), spacy_pipes=("ner", "parser", "tagger"))
def numbers(doc: Doc, record: EnrichedArticle, settings: Settings) -> None:
    article_id = record.article.id
    text = record.article.text
    out = []
    for ent in doc.ents:
        label = ent.label_
        if label in {"DATE", "TIME"}:
            if not _DURATION.match(ent.text.strip()):
                continue  # "four hours" is a number, "Sunday" a time
        elif label not in {"CARDINAL", "MONEY", "QUANTITY", "PERCENT"}:
            continue
        value = parse_value(ent.text)
        if value is None:
            continue
        start, end = ent.start_char, ent.end_char
        unit: str | None = None
        if label == "MONEY":
            unit = _currency(ent)
        elif label == "PERCENT":
            unit = "percent"
        elif label in {"DATE", "TIME", "QUANTITY"}:
            unit = ent.text.split()[-1].lower()
        if unit is None:
            counted = _counted(ent)
            if counted is not None and len(counted) <= 5:
                unit = counted.text.lstrip("- ")
                end = counted.end_char
        if unit is None and label == "MONEY":
            unit = "money"
        out.append(NumberMention(span=Span(article_id, start, end, text[start:end]), value=value, unit=unit))
    record.numbers = out
