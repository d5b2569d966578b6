"""Every pattern the ingest stage uses to recognise page furniture, in one place.

Kept out of the logic (as trafilatura keeps its selectors in ``xpaths.py``) so a new outlet's
furniture is a one-line change here. Sections:

1. comment sections: a header line after which everything is reader comments
2. single furniture lines: share/subscribe/newsletter/related prompts, ad labels
3. image credits, which some outlets glue to the first sentence
4. outlet tags such as ``{Matzav.com}``
5. trailing timestamps such as ``| 2025-12-01 08:55:24``
6. title suffixes such as `` | The Guardian``
"""

from __future__ import annotations

import re


def _alt(*tokens: str) -> str:
    """``(?:a|b|c)``; refuses an empty group, which would match everything."""
    if not tokens:
        raise ValueError("empty alternation")
    return "(?:" + "|".join(tokens) + ")"


# --- 1. comment sections ------------------------------------------------------------------
# A line that opens the comments: it and every line after it are removed together.
_COMMENT_HEADERS = (
    r"comments?",
    r"\d+\s+comments?",
    r"comments?\s*\(\d+\)",
    r"leave a (?:reply|comment)",
    r"post a comment",
    r"add a comment",
    r"(?:show|view|load|all|read)\s+(?:all\s+)?comments?",
    r"loading comments(?:\.\.\.|…)?",
    r"join (?:the )?discussion",
    r"want to join the discussion\??",
    r"there are no comments(?: for this (?:story|article|post))?(?: yet)?\.?",
    r"be the first to (?:comment|respond)[^\n]*",
    r"kommentare?",
    r"комментарии",
    r"tinggalkan balasan",
    r"comentários?",
    r"comentarios?",
)
COMMENT_HEADER = re.compile(r"^\W*" + _alt(*_COMMENT_HEADERS) + r"\W*$", re.IGNORECASE)

# --- 2. single furniture lines ---------------------------------------------------------------
_FURNITURE_LINES = (
    r"advertisement",
    r"advertising",
    r"sponsored(?: content)?",
    r"anzeige",
    r"share(?: this(?: article| story)?)?(?: on \w+)?:?",
    r"share (?:on|via) (?:facebook|twitter|x|whatsapp|linkedin|email|reddit)",
    r"(?:tweet|email|print|whatsapp|facebook|twitter|linkedin|pinterest|reddit)",
    r"like this story\? share it with a friend!?",
    r"(?:click|tap) here (?:to|for) [^\n]{0,80}",
    r"(?:read|see|watch) (?:more|also|next)\b\s*:?[^\n]{0,160}",
    r"related(?: (?:articles?|stories|posts?|content|coverage|reading))?\s*:[^\n]{0,160}",
    r"related(?: (?:articles?|stories|posts?|content|coverage))?",
    r"related post\s*:[^\n]{0,160}",
    r"(?:you|we think you) (?:may|might) (?:also )?like[^\n]{0,40}",
    r"more (?:from|on) [^\n]{1,60}:",
    r"more:",
    r"also:",
    r"don'?t miss",
    r"recommended(?: for you| stories)?",
    r"trending(?: now)?",
    r"most (?:read|popular|viewed)",
    r"(?:sign up|subscribe|register)\b[^\n]{0,120}(?:newsletter|inbox|updates|daily|free)[^\n]{0,80}",
    r"(?:get|start)\b[^\n]{0,80}(?:newsletter|in your inbox|right in your inbox)[^\n]{0,120}",
    r"subscribe(?: now| today| here)?!?",
    r"follow (?:us|[^\n]{1,40}) on (?:facebook|twitter|instagram|x|youtube|linkedin|tiktok)[^\n]{0,100}",
    r"tell us what you think\.{0,3}",
    r"feel free to contribute!?",
    r"filed under\s*:[^\n]{0,120}",
    r"(?:reading time|tempo de leitura|lesezeit)\s*:?[^\n]{0,30}",
    r"link permanente",
    r"permalink",
    r"(?:photo|image|picture|video) gallery",
    r"skip (?:to|ad)[^\n]{0,40}",
)
FURNITURE_LINE = re.compile(r"^\W*" + _alt(*_FURNITURE_LINES) + r"\W*$", re.IGNORECASE)

# --- 3. image credits ---------------------------------------------------------------------------
_CREDIT_LABEL = r"(?:image|photo|picture|photograph|illustration|video|header image|top image|cover image|foto|bild)s?\s*(?:credits?|courtesy|source|by|via)?\s*:"
_AGENCIES = (
    r"Getty Images(?: for [A-Z][\w&]*(?: [A-Z][\w&]*)*)?",
    r"AFP(?: via Getty Images)?",
    r"AP Photo",
    r"AP",
    r"Reuters",
    r"EPA(?:-EFE)?",
    r"Shutterstock",
    r"Alamy(?: Stock Photo)?",
    r"Bloomberg",
    r"iStock(?:photo)?",
    r"NurPhoto",
    r"Sipa(?: USA)?",
    r"PA(?: Wire| Images)?",
    r"ANI",
    r"Xinhua",
    r"dpa",
    r"Wikimedia Commons",
    r"Unsplash",
    r"Pexels",
    r"Anadolu(?: Agency)?",
    r"SOPA Images",
    r"LightRocket",
    r"Pool",
    r"Handout",
)
# A credit glued to the first sentence: "Image Credit: NAME / Contributor / Getty Images Secretary ..."
# ends at the agency, so only the credit is removed.
GLUED_CREDIT = re.compile(
    r"^\s*" + _CREDIT_LABEL + r"\s*(?:[^/\n]{1,60}?\s*/\s*){0,4}" + _alt(*_AGENCIES) + r"\b(?:\s+via\s+[A-Z][\w]*(?: [A-Z]\w*)*)?\s*",
    re.IGNORECASE,
)
# A credit on its own line (no agency needed): the whole line goes.
CREDIT_LINE = re.compile(r"^\s*(?:\(?\s*" + _CREDIT_LABEL + r"[^\n]{0,150}\)?|\((?:photo|image|picture|credit)s?\s*:[^\n)]{0,150}\))\s*$", re.IGNORECASE)

# --- 4. outlet tags -------------------------------------------------------------------------------
OUTLET_TAG = re.compile(r"^\s*[\{\[]\s*(?P<outlet>[A-Z0-9][\w&'. -]{1,60}?\.(?:com|net|org|co\.uk|co|news|info|tv|io|us|uk|de|fr))\s*[\}\]]\s*$", re.IGNORECASE)

# --- 5. trailing timestamps --------------------------------------------------------------------------
TRAILING_TIMESTAMP = re.compile(
    r"^\s*[|•·—–-]?\s*(?:(?:published|posted|updated|last updated)\s*:?\s*)?"
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<tz>Z|[+-]\d{2}:?\d{2}|\s*UTC|\s*GMT)?)?\s*$",
    re.IGNORECASE,
)

# --- 6. title suffixes -------------------------------------------------------------------------------
# Separators between a headline and the site name in <title>: "Headline | Site", "Site - Headline".
TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+|\s*\|\s*")
