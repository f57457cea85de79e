"""The framework of typed run configurations; each task family subclasses `RunConfig` in
its own folder (`tasks/mnist/config.py`, ...).

Each field is declared once with `setting(...)`: its default, its help text and the kind of
value it takes. `add_flags` turns the fields into train.py's flags (`batch_size` ->
`--batch-size`), `from_flags` turns parsed flags back into a config, and `validate` checks
every field by its kind, so a new setting is one field here and nothing else. A field left at
None takes the task's default when the config is resolved (`RunConfig.resolved`).
"""

import dataclasses
import math
import numbers
from typing import ClassVar

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

    # Fields that config.json files saved before them lack, with their "off" value: that, not
    # today's default, is what those runs trained with.
    ADDED_LATER: ClassVar[dict] = {}
    # Help texts of shared flags that this family reads its own way (e.g. --core's choices).
    HELP: ClassVar[dict] = {}

    def run_name(self):
        """The run folder's default name."""
        return name_of(self.task, self.core, self.head,
                       f"len{self.length}" if self.length else None, f"seed{self.seed}")

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
        return cls(**{key: value for key, value in {**cls.ADDED_LATER, **saved}.items()
                      if key in names})


def refuse_unused(config, names):
    """A UsageError naming the first of the flags `names` that `config` sets though its task
    does not read it (a value other than None, False, 0 or empty); `--resume` likewise."""
    for name in names:
        value = getattr(config, name)
        if value not in (None, False, 0, [], ()):
            shown = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
            raise UsageError(f"{flag_name(name if name != 'length' else 'len')} {shown}: "
                             f"{config.task} does not use this setting")


def name_of(*parts):
    """A run folder name: the parts that are not None, joined by dashes."""
    return "-".join(str(part) for part in parts if part is not None)


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
        return parse_integers(flag.removeprefix("--"), text)
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


def parse_integers(flag, text, minimum=1):
    """'10,100,1000' -> [10, 100, 1000], each at least `minimum`; a UsageError naming
    `--flag` and the text otherwise. The one parser of integer lists (and single integers)."""
    parts = [part.strip() for part in str(text).split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = None
    if not values:
        raise UsageError(f"--{flag} {text}: must be a comma-separated list of integers "
                         f">= {minimum}")
    if any(value < minimum for value in values):
        what = "positive integers" if minimum == 1 else f"integers >= {minimum}"
        raise UsageError(f"--{flag} {text}: must be {what}")
    return values


def parse_integer(flag, text, minimum=1):
    """'32' -> 32 (at least `minimum`); a UsageError naming `--flag` and the text otherwise."""
    values = parse_integers(flag, text, minimum)
    if len(values) != 1:
        raise UsageError(f"--{flag} {text}: must be one integer")
    return values[0]
