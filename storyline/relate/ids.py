"""Story ids across a rebuild (`Storyline.regroup` forgets the relate state and streams every
article again): each rebuilt story takes back the id of the story whose founders it holds.

The rule is the regroup's (`storyline.relate.regroup`): old stories, oldest first, each give
their id to the rebuilt story holding most of their founders (their members when first
published; their members, for a story kept before founders were), ties to the one holding the
earliest of them; an old story whose founders now sit in a rebuilt story an older id has taken
becomes an alias of it. A rebuilt story no old story claims keeps its own id, unless that id
named something else before (then it gets a fresh one), and every old alias keeps leading to the
story it was merged into. So the same partition gets the same ids, and every id published before
still resolves.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["IdCarry", "carry_ids"]


@dataclass
class IdCarry:
    """What a rebuild must change to keep the old ids."""

    renames: dict[str, str] = field(default_factory=dict)
    """Rebuilt story id -> the id it takes."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Old id no story holds now -> the id it leads to (a live id, or an alias of one)."""
    founders: dict[str, list[str]] = field(default_factory=dict)
    """Final story id -> its founders (the old story's, where it took an old id)."""


def carry_ids(
    before: Mapping[str, Sequence[str]],
    founders: Mapping[str, Sequence[str]],
    old_aliases: Mapping[str, str],
    after: Mapping[str, Sequence[str]],
    arrival: Callable[[str], int],
) -> IdCarry:
    """``before``/``after``: live story id -> its articles; ``founders``: old id -> its founders;
    ``old_aliases``: old alias -> the id it was merged into; ``arrival``: an article's position
    in ingest order (see the module docstring)."""
    holder = {a: sid for sid, members in after.items() for a in members}
    claimed: dict[str, str] = {}  # rebuilt id -> old id
    home: dict[str, str] = {}  # old id -> rebuilt id holding most of its founders
    for old in sorted(before, key=lambda sid: (min((arrival(a) for a in before[sid]), default=1 << 62), sid)):
        voters = [a for a in founders.get(old) or () if a in holder] or [a for a in before[old] if a in holder]
        if not voters:
            continue
        votes: dict[str, tuple[int, int]] = {}
        for a in voters:
            count, earliest = votes.get(holder[a], (0, -(1 << 62)))
            votes[holder[a]] = (count + 1, max(earliest, -arrival(a)))
        home[old] = max(votes, key=lambda sid: votes[sid])
        claimed.setdefault(home[old], old)
    used = set(before) | set(old_aliases)
    final: dict[str, str] = {}
    for new in after:
        if new in claimed:
            final[new] = claimed[new]
        elif new not in used:
            final[new] = new
    taken = set(final.values())
    for new in after:
        if new not in final:  # its own id named another story before
            final[new] = next(c for c in (f"{new}-{n}" for n in itertools.count(2)) if c not in used and c not in taken)
            taken.add(final[new])
    carry = IdCarry(renames={new: sid for new, sid in final.items() if new != sid})
    live = set(final.values())
    for old in before:
        if old not in live and old in home:
            carry.aliases[old] = final[home[old]]
    for alias, target in old_aliases.items():
        if alias not in live:
            carry.aliases[alias] = target
    for new, sid in final.items():
        kept = [a for a in founders.get(sid) or () if a in set(after[new])] if sid in before else []
        carry.founders[sid] = kept or list(after[new])
    return carry
