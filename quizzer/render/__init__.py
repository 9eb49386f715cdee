"""Renderers: the same records as terminal text, a chart preview, PNG figures, inline
images, PDF card sheets and an Anki package. No business logic and no input: what to show is
decided by the engine, when to show it by the screens.
"""
