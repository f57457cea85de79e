"""The configuration of a program_eval run: train.py's flags for the program task."""

import dataclasses
from typing import ClassVar

from tasks.config import RunConfig, name_of, setting


@dataclasses.dataclass
class ProgramConfig(RunConfig):
    """A run of the program evaluation task (tasks/programs/)."""

    statements: int | None = setting(None, "statements after the three constants of each "
                                     "program", "int", 0, 12)
    train_digits: int | None = setting(None, "digits of the training programs' constants",
                                       "int", 1, 6)
    test_digits: list | None = setting(None, "comma-separated digit counts scored after "
                                       "training", "lengths")
    programs: int | None = setting(None, "test programs per digit count", "int", 1)

    HELP: ClassVar[dict] = {"core": "the model: lstm, nac, nau or nalu (an LSTM that "
                                    "configures that unit over the variables' registers)",
                            "head": "not used: --core picks the model"}

    def run_name(self):
        return name_of(self.task, self.core, f"digits{self.train_digits}",
                       f"statements{self.statements}", f"seed{self.seed}")
