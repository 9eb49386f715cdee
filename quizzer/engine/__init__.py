"""The engine: plain functions and records over the bank, testable without a terminal.

Grading, sessions and scores, spaced-repetition scheduling, the mock exam's rules, the SQLite
store, the run cache (simulation runs kept) and card content (what every export puts on a
card). Imports :mod:`quizzer.content` and :mod:`quizzer.system`, never a renderer or a screen.
"""
