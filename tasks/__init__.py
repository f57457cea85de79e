"""What is learned and how it is scored: one folder per task family. Importing this package
fills the task registry; a new family is a folder plus its import here."""

from tasks import arithmetic, mnist, programs, timing, words  # noqa: F401  (registration)
from tasks.registry import TASKS, get_task

__all__ = ["TASKS", "get_task"]
