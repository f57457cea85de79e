"""The arithmetic tasks `arith_static` and `arith_running` (one seed through train.py; many
through sweep.py), trained by `tasks.arithmetic_training`."""

import dataclasses

from data.arithmetic import OPERATIONS, ArithmeticData
from errors import UsageError
from tasks.arith_models import check_model, describe
from tasks.arithmetic_training import default_settings, train_copies
from tasks.config import ArithmeticConfig
from tasks.registry import register_task


@dataclasses.dataclass(frozen=True)
class ArithmeticTask:
    """`arith_static` / `arith_running`, runnable through train.py like every task."""

    name: str
    form: str
    input_size: int
    description: str = ""
    config_class = ArithmeticConfig

    def defaults_for(self, config):
        """The defaults of a run: the recipe of the requested model (`--core`)."""
        core = config.core or "nac"
        try:
            settings = default_settings(self.form, core)
        except UsageError:  # an unknown core is reported by `check`
            settings = default_settings(self.form)
        return {
            "length": settings.train_length if self.form == "running" else 1,
            "eval_lengths": [settings.eval_length] if self.form == "running" else [],
            "steps": settings.steps,
            "batch_size": settings.batch_size,
            "lr": settings.learning_rate,
            "core": "nac",
            "head": None,
            "op": "add",
        }

    def data(self, op, **ranges):
        return ArithmeticData(op=op, form=self.form, input_size=self.input_size, **ranges)

    def settings(self, config):
        settings = dataclasses.replace(
            default_settings(self.form, config.core), steps=config.steps,
            batch_size=config.batch_size,
            learning_rate=config.lr, identity_recurrence=not config.random_recurrence,
        )
        if self.form == "running":
            settings = dataclasses.replace(
                settings, train_length=config.length,
                eval_length=max(config.eval_lengths or [settings.eval_length]),
            )
        return settings

    def check(self, config):
        if config.op not in OPERATIONS:
            raise UsageError(f"--op {config.op}: unknown; choose from {', '.join(OPERATIONS)}")
        check_model(config.core, self.form, flag="--core")

    def load_inputs(self, config):
        return self.data(config.op)

    def run(self, config, folder, data):
        """One seed through the same batched trainer the sweep uses."""
        [result] = train_copies(data, self.settings(config), config.core,
                                [config.seed], quiet=config.quiet)
        return None, {
            "task": self.name,
            "op": config.op,
            "core": describe(config.core),
            "head": None,
            "train_length": config.length,
            "seed": config.seed,
            "digits": None,
            "steps": config.steps,
            "train_seconds": result.pop("train_seconds"),
            "metrics": {"extrapolation": result},
        }


register_task(ArithmeticTask(
    "arith_static", "static", input_size=100,
    description="y = a op b with a, b sums over fixed subsets of a 100-wide input",
))
register_task(ArithmeticTask(
    "arith_running", "running", input_size=10,
    description="a, b accumulate over a sequence of 10-wide inputs; trained on 10, "
    "scored on 1000",
))
