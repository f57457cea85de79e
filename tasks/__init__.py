"""What is learned and how it is scored. Importing this package fills the task registry."""

from tasks import arithmetic, mnist, words  # noqa: F401  (registration)
from tasks.registry import TASKS, get_task

__all__ = ["TASKS", "get_task"]
