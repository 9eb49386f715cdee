"""quizzer: exam practice for the deep-learning modeling topics of the AWS ML certifications."""

__version__ = "0.1.0"
