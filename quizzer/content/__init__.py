"""The question bank: its records, loading and checking, and one definition per question kind.

``bank`` (records, the loading path, the snapshot), ``bank_files`` (finding and reading YAML
with locations), ``kinds/`` (single, multiple, true/false, numeric, ordering, matching),
``printable`` (bank text made safe for a terminal). Imports only :mod:`quizzer.system` and
the ``simulations`` registry.
"""
