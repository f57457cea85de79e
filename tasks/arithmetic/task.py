"""The arithmetic tasks `arith_static` and `arith_running` (one seed through train.py; many
through sweep.py), trained by `tasks.arithmetic.trainer`."""

import dataclasses

from data.arithmetic import OPERATIONS, ArithmeticData
from errors import UsageError
from tasks.arithmetic.config import ArithmeticConfig
from tasks.arithmetic.models import check_model, describe
from tasks.arithmetic.settings import default_settings
from tasks.arithmetic.trainer import train_copies
from tasks.registry import register_task


@dataclasses.dataclass(frozen=True)
class ArithmeticTask:
    """`arith_static` / `arith_running`, runnable through train.py like every task."""

    name: str
    form: str
    input_size: int
    description: str = ""
    family = "arithmetic"
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

    def metrics_table(self, metrics):
        """The criterion of the one seed: extrapolation MSE against the threshold."""
        return "\n".join([
            "| extrapolation MSE | threshold | success | solved at | sparsity error |",
            "|---:|---:|---|---:|---:|",
            self.metrics_row(metrics),
        ])

    @staticmethod
    def metrics_row(metrics):
        metric = metrics["extrapolation"]
        sparsity = metric["sparsity_error"]
        return (f"| {metric['extrapolation_mse']:.3g} | {metric['threshold_mse']:.3g} | "
                f"{'yes' if metric['success'] else 'no'} | {metric['solved_at'] or '-'} | "
                f"{'-' if sparsity is None else format(sparsity, '.3g')} |")

    def rescore(self, run, request):
        raise UsageError(f"run {run.folder}: task {run.config.task} has no sequence model "
                         "to evaluate; its results.json holds its score")

    def report_table(self, runs):
        """A row per run: the model, the op and the criterion of its seed."""
        lines = ["| run | task | op | model | extrapolation MSE | threshold | success | "
                 "solved at | sparsity error |", "|---|---|---|---|---:|---:|---|---:|---:|"]
        for run in runs:
            lines.append(f"| {run.folder.name} | {run.config.task} | {run.config.op} | "
                         f"{run.config.core} " + self.metrics_row(run.results["metrics"]))
        return "\n".join(lines) + "\n"

    def report_figures(self, runs, pictures):
        return {}


register_task(ArithmeticTask(
    "arith_static", "static", input_size=100,
    description="y = a op b with a, b sums over fixed subsets of a 100-wide input",
))
register_task(ArithmeticTask(
    "arith_running", "running", input_size=10,
    description="a, b accumulate over a sequence of 10-wide inputs; trained on 10, "
    "scored on 1000",
))
