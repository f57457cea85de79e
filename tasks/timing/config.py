"""The configuration of a time_tracking run: train.py's flags for the grid-world task."""

import dataclasses
from typing import ClassVar

from tasks.config import RunConfig, name_of, setting


@dataclasses.dataclass
class TimingConfig(RunConfig):
    """A run of the time-tracking task (tasks/timing/): `--steps` updates of `--batch-size`
    episodes each."""

    grid: int | None = setting(None, "side of the square grid world", "int", 2, 20)
    max_time: int | None = setting(None, "largest instruction T of the training episodes",
                                   "int", 2)
    test_times: list | None = setting(None, "comma-separated instructions T scored after "
                                      "training", "lengths")
    episodes: int | None = setting(None, "test episodes per T", "int", 1)

    HELP: ClassVar[dict] = {"core": "the agent: lstm, or lstm_CELL (an LSTM beside an "
                                    "accumulator cell of nalu.CELLS, e.g. lstm_nac)",
                            "head": "not used: --core picks the agent"}

    def run_name(self):
        return name_of(self.task, self.core, f"time{self.max_time}", f"seed{self.seed}")
