"""The task registry and the protocol every task follows.

A task registered here is a `--task` choice of train.py; evaluate.py and report.py reach it
through the methods of `Task` alone, so a new task family is one folder under `tasks/` whose
tasks call `register_task`, plus its import in `tasks/__init__.py`.
"""

import dataclasses
from collections.abc import Callable
from typing import Protocol

from errors import UsageError

TASKS = {}


@dataclasses.dataclass(frozen=True)
class Rescoring:
    """What evaluate.py asks of a saved run (its flags, checked)."""

    lengths: list  # sequence lengths to score
    sequences: int | None  # test sequences per length (None: the run's)
    chunk: int  # time steps per chunk
    words: str | None  # words_to_number: the prediction after each token of these words
    replace: bool  # score again what results.json holds and write over it
    quiet: bool


class Task(Protocol):
    """What every task provides."""

    name: str
    family: str  # tasks of one family share a table in report.py
    description: str
    config_class: type  # a `tasks.config.RunConfig`: its fields are train.py's flags

    def defaults_for(self, config) -> dict:
        """Values for the fields that `config` leaves None."""

    def check(self, config) -> None:
        """A UsageError naming the flag for settings this task cannot run."""

    def load_inputs(self, config):
        """What `run` trains on and scores; bad input fails here, before anything is written."""

    def run(self, config, folder, inputs) -> tuple:
        """Train and score in `folder`: (the model to save, or None; the results dict)."""

    def metrics_table(self, metrics) -> str:
        """A Markdown table of a run's `results["metrics"]`."""

    def rescore(self, run, request: Rescoring) -> None:
        """evaluate.py on a saved run (`tasks.saved_runs.SavedRun`): score it again, print
        the table and write what is new to results.json; a UsageError if it cannot."""

    def report_table(self, runs) -> str:
        """report.py: a Markdown table with a row per run (all of this task's family)."""

    def report_figures(self, runs, pictures) -> dict[str, Callable]:
        """report.py: {file name: draw(path)} for these runs; what must load (models) is
        loaded here, before the report folder is made."""


def register_task(task):
    """Register a task (a `Task`) under its name."""
    if task.name in TASKS:
        raise ValueError(f"task {task.name!r} is registered twice")
    TASKS[task.name] = task
    return task


def get_task(name):
    if not isinstance(name, str) or name not in TASKS:
        raise UsageError(f"--task {name}: unknown task; choose from {', '.join(sorted(TASKS))}")
    return TASKS[name]
