"""The typed configuration of one training run, one dataclass per task family.

Each field is declared once with `setting(...)`: its default, its help text and the kind of
value it takes. `add_flags` turns the fields into train.py's flags (`batch_size` ->
`--batch-size`), `from_flags` turns parsed flags back into a config, and `validate` checks
every field by its kind, so a new setting is one field here and nothing else. A field left at
None takes the task's default when the config is resolved (`RunConfig.resolved`).
"""

import dataclasses
import math
import numbers

from errors import UsageError


def setting(default=None, help="", kind="text", low=None, high=None, flag=None):
    """A config field: default, help, and kind (`int`, `float`, `lengths`, `switch`, `text`,
    `names`: comma-separated words, `range`: `low,high`),
    with the bounds `low` <= value (< or <=) `high` that `validate` checks; its flag is
    `--<name with dashes>` unless `flag` names another."""
    return dataclasses.field(default=default, metadata={
        "help": help, "kind": kind, "low": low, "high": high, "flag": flag})


def flag_name(field):
    """The command-line flag of a config field (or of a field name)."""
    if isinstance(field, str):
        return "--" + field.replace("_", "-")
    return "--" + (field.metadata["flag"] or field.name.replace("_", "-"))


@dataclasses.dataclass
class RunConfig:
    """What every task's run has: which task, the schedule, the model, where it goes."""

    task: str = setting("mnist_sum", "which task (see --help of train.py)")
    length: int | None = setting(None, "training sequence length", "int", 1, flag="len")
    steps: int | None = setting(None, "training steps", "int", 1)
    batch_size: int | None = setting(None, "sequences per step", "int", 1)
    lr: float | None = setting(None, "Adam learning rate", "float", 0)
    core: str | None = setting(None, "recurrent core or arithmetic model")
    head: str | None = setting(None, "output head")
    hidden: int | None = setting(None, "state size of the recurrent core", "int", 1)
    random_recurrence: bool = setting(
        False, "start a unit core's state weights random, not at the identity", "switch")
    seed: int = setting(0, "random seed of the weights and the batches", "int", 0)
    eval_lengths: list | None = setting(None, "comma-separated lengths scored after training",
                                        "lengths")
    out: str = setting("runs", "folder that receives the run folder")
    name: str | None = setting(None, "run folder name (default from the settings)")
    quiet: bool = setting(False, "no progress bars", "switch")
    checkpoint_every: int = setting(0, "steps between checkpoints (0: none)", "int", 0)
    resume: str | None = setting(None, "run folder of an interrupted run to continue")

    def resolved(self, defaults):
        """A copy with every None field that `defaults` names filled in, then validated."""
        filled = {
            field.name: defaults[field.name]
            if getattr(self, field.name) is None and field.name in defaults
            else getattr(self, field.name)
            for field in dataclasses.fields(self)
        }
        config = type(self)(**filled)
        config.validate()
        return config

    def validate(self):
        """Every field against its kind and bounds; a UsageError naming the flag otherwise."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not None:
                check_value(field, value)

    def to_json(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, saved):
        """A config from a saved config.json (fields it does not know are dropped)."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in saved.items() if key in names})


def numbers_of(item):
    """A value's numbers: the pair of a range, or the number itself."""
    return tuple(item) if isinstance(item, tuple | list) else (item,)


def check_value(field, value):
    """`value` of `field` checked against the field's kind and bounds."""
    meta = field.metadata
    flag, kind, low, high = flag_name(field), meta["kind"], meta["low"], meta["high"]
    values = value if kind == "lengths" else [value]
    for item in values:
        if kind in ("int", "lengths") and (
                isinstance(item, bool) or not isinstance(item, numbers.Integral)):
            raise UsageError(f"{flag} {value}: must be an integer")
        if kind == "float" and (isinstance(item, bool) or not isinstance(item, numbers.Real)):
            raise UsageError(f"{flag} {value}: must be a number")
        if kind in ("float", "range") and not all(math.isfinite(x) for x in numbers_of(item)):
            raise UsageError(f"{flag} {value}: must be a finite number")
        if kind == "lengths" and item <= 0:
            raise UsageError(f"{flag} {value}: lengths must be positive integers")
        if kind == "float" and low is not None and not item > low:
            raise UsageError(f"{flag} {value}: must be a number above {low}")
        if kind == "float" and high is not None and not item < high:
            raise UsageError(f"{flag} {value}: must be below {high}")
        if kind == "int" and low is not None and item < low:
            raise UsageError(f"{flag} {value}: must be an integer of at least {low}")
        if kind == "int" and high is not None and item > high:
            raise UsageError(f"{flag} {value}: must be an integer from {low} to {high}")


@dataclasses.dataclass
class MnistConfig(RunConfig):
    """A run of an MNIST digit-sequence task (tasks/mnist.py)."""

    digits: str = setting("auto", "digit images: auto, bundled, mnist or a path")
    eval_sequences: int | None = setting(None, "test sequences per evaluation length", "int", 1)
    shift: int | None = setting(None, "move each training image by a random offset of up to "
                                "this many pixels (0: off)", "int", 0, 8)
    weight_decay: float | None = setting(None, "AdamW weight decay of the digit encoder's "
                                         "weights; the core and head are never decayed (0: "
                                         "off)", "float", None, 1)
    dropout: float | None = setting(None, "dropout rate on the encoder's 500-unit hidden layer "
                                    "while training (0: off)", "float", None, 1)
    test_shift: int | None = setting(None, "outside training, encode an image as the mean "
                                     "over the image moved by every offset of up to this "
                                     "many pixels, (2N+1)^2 copies (0: off)", "int", 0, 4)
    encoder_norm: str | None = setting(None, "normalisation after each hidden layer of the "
                                       "digit encoder: layer, or none (the paper's encoder)")

    def validate(self):
        super().validate()
        for name in ("weight_decay", "dropout"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise UsageError(f"{flag_name(name)} {value}: must be a number in [0, 1)")


@dataclasses.dataclass
class ArithmeticConfig(RunConfig):
    """A run of an arithmetic task (tasks/arithmetic.py): one seed of one model."""

    op: str | None = setting(None, "arithmetic operation")


def parse_text(field, text):
    """A flag's text as the field's value; a UsageError naming the flag otherwise."""
    kind, flag = field.metadata["kind"], flag_name(field)
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{flag} {text}: must be an integer") from None
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise UsageError(f"{flag} {text}: must be a number") from None
    if kind == "lengths":
        return parse_lengths(flag.removeprefix("--"), text)
    if kind == "names":
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if kind == "range":
        try:
            low, high = (float(part) for part in text.split(","))
        except ValueError:
            raise UsageError(f"{flag} {text}: must be low,high") from None
        return low, high
    return text


METAVARS = {"int": "N", "float": "X", "lengths": "N,N,...", "names": "A,B,...",
            "range": "LOW,HIGH"}


def add_flags(parser, config_class, described=None):
    """One flag per field of `config_class` (`described` overrides help texts)."""
    for field in dataclasses.fields(config_class):
        help_text = (described or {}).get(field.name, field.metadata["help"])
        if field.metadata["kind"] == "switch":
            parser.add_argument(flag_name(field), action="store_true", help=help_text)
        else:
            parser.add_argument(flag_name(field), dest=field.name, help=help_text,
                                default=None, metavar=METAVARS.get(field.metadata["kind"]))


def from_flags(config_class, arguments):
    """The config of parsed flags: every flag given replaces its field's default."""
    values = {}
    for field in dataclasses.fields(config_class):
        text = getattr(arguments, field.name, None)
        if text is None or (field.metadata["kind"] == "switch" and not text):
            continue
        values[field.name] = text if field.metadata["kind"] == "switch" \
            else parse_text(field, text)
    return config_class(**values)


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
