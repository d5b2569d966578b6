"""The web UI and JSON API: ``storyline serve`` (FastAPI, server-rendered Jinja2, no build step).

    >>> from storyline.serve.web import create_app
    >>> app = create_app("storyline.db")  # doctest: +SKIP
"""

from storyline.serve.web.app import create_app

__all__ = ["create_app"]
