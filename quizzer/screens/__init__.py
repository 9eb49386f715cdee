"""Screens: the interactive loops (practice, review, the mock exam) and the output of explain
and stats, built from the shared steps in ``asking`` with input, output and clock passed in
(``console``); ``prefetch`` runs worked examples in the background. Screens do not import
each other, except the steps they share (``asking``, ``console``, ``prefetch``).
"""
