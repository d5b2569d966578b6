"""``storyline`` and ``python -m storyline``: load the commands, then run them.

The package names load lazily, so this module starts before spaCy and scikit-learn do and can
turn a Ctrl+C while they load into one line and status 130 (the rest: `storyline.cli.boundary`).
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from storyline.cli import cli  # the heavy imports happen here
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)
    cli(prog_name="storyline")


if __name__ == "__main__":
    main()
