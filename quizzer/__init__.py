"""quizzer: exam practice for the deep-learning modeling topics of the AWS ML certifications.

Installed, everything is inside this one package: ``quizzer.simulations`` and
``quizzer.question_bank`` are the repository's top-level ``simulations/`` and
``question_bank/`` folders, placed here by setup.cfg's ``package_dir``. In a source checkout
those folders stay beside ``quizzer/`` (the repository's layout), and the finder below
resolves the two names to them, so ``python -m quizzer`` and ``python -m pytest`` work from
the checkout without installing anything. It is the mechanism setuptools' own editable
installs use: a finder on ``sys.meta_path`` that asks ``importlib.machinery.PathFinder`` to
look in another folder (public import-system API only). In an installed package the folders
are inside ``quizzer/`` and no finder is added.
"""

import os as _os
import sys as _sys

__version__ = "0.1.0"

# quizzer.<name> -> <checkout>/<name>, for a source checkout only.
_BESIDE = ("simulations", "question_bank")


class _CheckoutFolders:
    """Finds ``quizzer.simulations`` and ``quizzer.question_bank`` in the checkout's top-level
    folders (deeper modules are then found through the package's ``__path__`` as usual)."""

    def __init__(self, root: str):
        self.root = root

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.partition(".")
        if package != __name__ or name not in _BESIDE:
            return None
        from importlib.machinery import PathFinder

        return PathFinder.find_spec(fullname, [self.root])


def _checkout_root() -> str | None:
    """The checkout's root when quizzer/ runs from one: the folders are beside it, not in it."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    root = _os.path.dirname(here)
    if all(not _os.path.isdir(_os.path.join(here, name))
           and _os.path.isfile(_os.path.join(root, name, "__init__.py")) for name in _BESIDE):
        return root
    return None


if (_root := _checkout_root()) is not None \
        and not any(type(f).__name__ == "_CheckoutFolders" for f in _sys.meta_path):
    _sys.meta_path.append(_CheckoutFolders(_root))
