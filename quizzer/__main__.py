"""``python -m quizzer`` runs the same CLI as the ``quizzer`` console script."""

from quizzer.cli import main

if __name__ == "__main__":
    main()
