"""The configuration of a words_to_number run: train.py's flags for the language task."""

import dataclasses

from tasks.config import RunConfig, name_of, setting


@dataclasses.dataclass
class WordsConfig(RunConfig):
    """A run of the language task (tasks/words/)."""

    split: str | None = setting(None, "paper (0-1000) or extrapolation (train < 10,000, "
                                "test 10,000-999,999)")
    embedding: int | None = setting(None, "embedding size of each token", "int", 1)
    accumulate: bool = setting(False, "sum the head's output over the tokens (a running sum, "
                               "no weights): the head gives each token's change of the "
                               "value", "switch")
    skip: bool = setting(False, "the head reads each token's embedding beside the core's "
                         "output for the tokens before it (a skip connection past the "
                         "core)", "switch")

    def run_name(self):
        return name_of(self.task, self.core, self.head,
                       f"len{self.length}" if self.length else self.split, f"seed{self.seed}")
