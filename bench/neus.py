"""The "what happened" summary on NeuS dev: ROUGE against the AllSides editors' neutral summaries.

    .venv/bin/python -m bench brief        # runs this as part of the brief benchmark
    .venv/bin/python -m bench.neus         # this alone, to bench/results/neus.json

``../shared/data/neus/neus.dev.jsonl`` (307 events, the corpus's val split; the test split is
held out): each event's three articles (title and text, the left, centre and right outlet) are
read as a user's ingest reads a JSONL file, enriched, and stored in a store of their own, where the
relate stage groups them. The event's brief is the brief of its story; where relate splits the
three articles into several stories, the brief of all three is built anyway (with the relations
stored) and the split is counted. The first three sentences of the brief's summary are scored with
ROUGE-1/2/L F1 (``rouge-score``, stemming on) against ``reference_summary``, next to two baselines
run on the same events: sumy's LexRank (three sentences, over the three articles' titles and
texts, as the corpus's source files give them; and over the texts alone, the sentences a brief can
cite) and Lead (the first sentence of each article).
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import DATA, Timer, write_results
from storyline import Storyline
from storyline.consolidate import build_brief
from storyline.ingest.sources import read_inputs
from storyline.models import Article, Brief, EnrichedArticle, Relation, Story
from storyline.settings import DEFAULT_SETTINGS

NEUS_DEV = DATA / "neus" / "neus.dev.jsonl"
SUMMARY_SENTENCES = 3
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")


@dataclass
class NeusEvent:
    id: str
    reference: str
    raw: list[dict]
    """The event's articles as the data set gives them (title, text), for the baselines."""
    articles: list[Article]
    records: list[EnrichedArticle]
    story: Story
    relations: list[Relation]
    stories: int
    """How many stories the relate stage made of the three articles (1 when it kept them together)."""


class RegexTokenizer:
    """What sumy's parser needs from a tokenizer, without NLTK's punkt data (not on PyPI)."""

    language = "english"

    def to_sentences(self, text: str) -> list[str]:
        return split_sentences(text)

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"\w+(?:['’]\w+)?", sentence)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() for s in _SENTENCE_END.split(line) if s.strip()]


def _read_articles(rows: list[dict], workdir: Path) -> list[list[Article]]:
    """Each event's articles as ``storyline ingest`` of a JSONL file reads them (title, text, outlet)."""
    path = workdir / "neus.dev.articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            for a in row["articles"]:
                record = {"title": a["title"], "text": a["text"], "outlet": a.get("outlet"), "published": a.get("date")}
                out.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n")
    # An article with an empty text is refused, as ingest refuses it; its event keeps the others.
    it = iter(read_inputs([str(path)], DEFAULT_SETTINGS))
    return [[a for a in (next(it) for _ in row["articles"]) if isinstance(a, Article)] for row in rows]


def events(limit: int | None = None) -> Iterator[NeusEvent]:
    """Every NeuS dev event, its articles enriched (cached) and grouped by relate in a store of its own."""
    from bench.brief import _enrich

    rows = [json.loads(line) for line in NEUS_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:limit] if limit else rows
    with tempfile.TemporaryDirectory() as tmp:
        per_event = _read_articles(rows, Path(tmp))
        unique = list({a.id: a for group in per_event for a in group}.values())
        records = _enrich(unique, NEUS_DEV, "neus-dev")
        for row, articles in zip(rows, per_event, strict=True):
            ids = list(dict.fromkeys(a.id for a in articles if a.id in records))
            with Storyline(Path(tmp) / f"{row['id']}.db") as sl:
                with sl.store.transaction():
                    for aid in ids:
                        sl.store.add_article(records[aid].article)
                        sl.store.save_enrichment(records[aid], fresh=True)
                stories = [s for s in sl.relate() if s.article_ids] or sl.reader.list_stories()
                relations = sl.store.relations_for(ids)
            story = Story(id=f"neus-{row['id']}", article_ids=ids)
            yield NeusEvent(str(row["id"]), row["reference_summary"], row["articles"], articles, [records[i] for i in ids], story, relations, len(stories))


def storyline_summary(event: NeusEvent) -> str:
    return " ".join(s.span.text for s in brief_of(event).summary[:SUMMARY_SENTENCES])


def brief_of(event: NeusEvent) -> Brief:
    return build_brief(event.story, event.records, DEFAULT_SETTINGS, event.relations)


def lexrank_summary(event: NeusEvent, *, titles: bool = True) -> str:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    text = "\n".join(f"{a['title']}.\n{a['text']}" if a["title"] and titles else a["text"] for a in event.raw)
    parser = PlaintextParser.from_string(text, RegexTokenizer())
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return " ".join(str(s) for s in summarizer(parser.document, SUMMARY_SENTENCES))


def lead_summary(event: NeusEvent) -> str:
    firsts = (split_sentences(a["text"]) for a in event.raw)
    return " ".join(sentences[0] for sentences in firsts if sentences)


def lexrank_text_summary(event: NeusEvent) -> str:
    """LexRank over the texts alone, without the titles (a brief may also cite a title, as a span of it)."""
    return lexrank_summary(event, titles=False)


SYSTEMS: dict[str, Callable[[NeusEvent], str]] = {
    "storyline": storyline_summary,
    "lexrank": lexrank_summary,
    "lexrank_texts_only": lexrank_text_summary,
    "lead": lead_summary,
}


def score(limit: int | None = None, systems: dict[str, Callable[[NeusEvent], str]] | None = None) -> dict:
    from rouge_score import rouge_scorer

    systems = systems or SYSTEMS
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals: dict[str, dict[str, list[float]]] = {name: {r: [] for r in ROUGE_TYPES} for name in systems}
    words: dict[str, list[int]] = {name: [] for name in systems}
    split = n = short = 0
    with Timer() as t:
        for event in events(limit):
            n += 1
            split += event.stories > 1
            short += len(event.articles) < len(event.raw)
            for name, summarise in systems.items():
                summary = summarise(event)
                words[name].append(len(summary.split()))
                scores = scorer.score(event.reference, summary)
                for r in ROUGE_TYPES:
                    totals[name][r].append(scores[r].fmeasure)
    return {
        "data": "neus/neus.dev.jsonl (the corpus's val split; the test split is held out)",
        "events": n,
        "events_split_by_relate": split,
        "events_with_an_article_refused": short,
        "scorer": "rouge-score 0.1.2, F1, use_stemmer=True, against reference_summary; mean over events x 100",
        "systems": {
            "storyline": "first 3 sentences of the brief's summary",
            "lexrank": "sumy LexRankSummarizer, 3 sentences over the articles' titles and texts, English stemmer and stop words, regex sentence splitter",
            "lexrank_texts_only": "the same LexRank over the article texts without their titles",
            "lead": "first sentence of each article's text",
        },
        "rouge": {name: {r: round(100 * statistics.mean(v), 2) for r, v in per.items()} for name, per in totals.items()},
        "mean_words": {name: round(statistics.mean(v), 1) for name, v in words.items()},
        "seconds": round(t.seconds, 1),
    }


def main(argv: list[str]) -> None:
    """``python -m bench.neus [N]``: the NeuS measurement alone (the first N events), written to
    ``bench/results/neus.json`` when run on all of them."""
    figures = score(int(argv[0]) if argv else None)
    report(figures)
    if not argv:
        print(f"written {write_results('neus', figures, command='.venv/bin/python -m bench.neus')}")


def report(figures: dict) -> None:
    for name, r in figures["rouge"].items():
        print(f"NeuS dev {name}: ROUGE-1/2/L {r['rouge1']} / {r['rouge2']} / {r['rougeL']} ({figures['mean_words'][name]} words)")
    print(f"{figures['events']} events, {figures['events_split_by_relate']} split by relate")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
