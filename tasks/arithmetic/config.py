"""The configuration of one arithmetic run (one seed of one model through train.py)."""

import dataclasses

from tasks.config import RunConfig, name_of, setting


@dataclasses.dataclass
class ArithmeticConfig(RunConfig):
    """A run of an arithmetic task (tasks/arithmetic/): one seed of one model."""

    op: str | None = setting(None, "arithmetic operation")

    def run_name(self):
        return name_of(self.task, self.op, self.core, self.head,
                       f"len{self.length}" if self.length else None, f"seed{self.seed}")
