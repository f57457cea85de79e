"""The task registry: a task registered here is a `--task` choice of train.py and sweep.py."""

from errors import UsageError

TASKS = {}


def register_task(task):
    """Register a task object (anything with `name`, `defaults_for(config)` and `run(config)`)."""
    if task.name in TASKS:
        raise ValueError(f"task {task.name!r} is registered twice")
    TASKS[task.name] = task
    return task


def get_task(name):
    if not isinstance(name, str) or name not in TASKS:
        raise UsageError(f"--task {name}: unknown task; choose from {', '.join(sorted(TASKS))}")
    return TASKS[name]
