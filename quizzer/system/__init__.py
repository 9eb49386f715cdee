"""The bottom layer: where quizzer's files live and how they are written.

Folders (``home``), files written whole and caches verified (``cache``), worker processes that
die with their parent (``worker_pool``). Nothing here imports the rest of quizzer.
"""
