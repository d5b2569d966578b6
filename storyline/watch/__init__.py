"""Always on: follow feeds, folders and OPML lists, and store only what is new or changed.

`Watcher` polls its sources on an interval (conditional GETs, robots.txt, per-host delay,
backoff on errors) and hands each cycle's articles to `Storyline.store_changes`; `alerts`
matches new articles against the watchlist. The package drives `Storyline` through its public
methods and reads inputs with the ingest readers; it is no pipeline stage of its own.
"""

from storyline.watch.alerts import collect_alerts, deliver_alerts
from storyline.watch.scheduler import CycleReport, SourceStatus, Watcher
from storyline.watch.sources import expand_sources, read_opml

__all__ = ["CycleReport", "SourceStatus", "Watcher", "collect_alerts", "deliver_alerts", "expand_sources", "read_opml"]
