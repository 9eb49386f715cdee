"""The built-in question bank: YAML data only, installed beside the code as plain files.

This package holds no code on purpose. Each ``<topic>.yaml`` file is one topic; ``data/``
holds reference tables (for example the accelerated instance families) that simulations read.
"""
