"""The language task `words_to_number`: English number words to their value."""

from tasks.words import task  # noqa: F401  (registration)
