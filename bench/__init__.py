"""Benchmarks: quality and speed figures on the real data sets under ../shared/data.

Run all with ``make bench`` (``python -m bench``) or one with ``python -m bench NAME``.
Each writes ``bench/results/NAME.json`` (figures, the command and the data it used).
"""
