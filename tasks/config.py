"""The typed configuration of one training run; flags of train.py map onto its fields."""

import dataclasses
import numbers

from data.errors import UsageError


@dataclasses.dataclass
class TrainConfig:
    """One run. Fields left at None take the task's defaults when the config is resolved."""

    task: str = "mnist_sum"
    length: int | None = None  # training sequence length
    steps: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    core: str | None = None
    head: str | None = None
    hidden: int | None = None  # state size of the recurrent core
    random_recurrence: bool = False  # unit cores: random instead of identity recurrence
    shift: int | None = None  # MNIST: training images move by up to this many pixels
    weight_decay: float | None = None  # MNIST: AdamW decay of the encoder's weights
    dropout: float | None = None  # MNIST: dropout rate on the encoder's hidden layer
    test_shift: int | None = None  # MNIST: evaluation averages the encoder over image moves
    seed: int = 0
    digits: str = "auto"
    eval_lengths: list | None = None
    eval_sequences: int | None = None
    op: str | None = None  # arithmetic tasks
    out: str = "runs"
    name: str | None = None
    quiet: bool = False
    checkpoint_every: int = 0
    resume: str | None = None

    def resolved(self, defaults):
        """A copy with every None field that `defaults` names filled in, then validated."""
        filled = {
            field.name: defaults[field.name]
            if getattr(self, field.name) is None and field.name in defaults
            else getattr(self, field.name)
            for field in dataclasses.fields(self)
        }
        config = TrainConfig(**filled)
        config.validate()
        return config

    def validate(self):
        for field, flag in (("length", "len"), ("steps", "steps"),
                            ("batch_size", "batch_size"), ("eval_sequences", "eval_sequences"),
                            ("hidden", "hidden")):
            value = getattr(self, field)
            if value is not None:
                check_positive_int(flag, value)
        if self.lr is not None and not (isinstance(self.lr, numbers.Real) and self.lr > 0):
            raise UsageError(f"--lr {self.lr}: must be a positive number")
        for length in self.eval_lengths or []:
            check_positive_int("eval-lengths", length)
        for field, most in (("shift", 8), ("test_shift", 4)):
            value = getattr(self, field)
            if value is not None and not (isinstance(value, int) and 0 <= value <= most):
                raise UsageError(f"--{field.replace('_', '-')} {value}: must be an integer from 0 "
                                 f"to {most} (pixels)")
        for field in ("weight_decay", "dropout"):
            value = getattr(self, field)
            if value is not None and not (isinstance(value, numbers.Real) and 0 <= value < 1):
                raise UsageError(f"--{field.replace('_', '-')} {value}: must be a number in [0, 1)")
        if self.checkpoint_every < 0:
            raise UsageError(f"--checkpoint-every {self.checkpoint_every}: must be >= 0")

    def to_json(self):
        return dataclasses.asdict(self)


def check_positive_int(flag, value):
    """`value` as an int, or a UsageError naming `--flag` and the value."""
    flag = "--" + flag.replace("_", "-")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise UsageError(f"{flag} {value}: must be a positive integer") from None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise UsageError(f"{flag} {value}: must be a positive integer")
    return int(value)


def parse_lengths(flag, text):
    """'10,100,1000' -> [10, 100, 1000]; a UsageError naming the flag otherwise."""
    parts = [part.strip() for part in str(text).split(",")]
    if not parts or any(not part for part in parts):
        raise UsageError(f"--{flag} {text}: must be a comma-separated list of positive integers")
    try:
        lengths = [int(part) for part in parts]
    except ValueError:
        raise UsageError(
            f"--{flag} {text}: must be a comma-separated list of positive integers"
        ) from None
    if any(length <= 0 for length in lengths):
        raise UsageError(f"--{flag} {text}: lengths must be positive integers")
    return lengths
