"""Program evaluation (Trask et al. 2018, section 4.4): the value a small program prints.

Programs of integer variables, `+`, `-` and `if` (`data.programs`), fed one statement per
step with each constant as a value at its step, the printed value regressed (MSE). Trained
on programs whose constants have `--train-digits` digits (two by default: 10-99), scored on
`--test-digits` (2, 3 and 4) by the share of exactly right answers after rounding, the share
of matching digits (the metric of Zaremba & Sutskever), and the MAE. The paper's grammar
and sizes are not published; the choices here (three variables, two statements after the
constants, the models of `tasks.programs.model`) are this project's, one setting each.
"""

import dataclasses
import time

import keras
import numpy as np

from data import programs
from errors import UsageError
from tasks.config import refuse_unused
from tasks.programs.config import ProgramConfig
from tasks.programs.model import MODELS, SCALE, build_model
from tasks.progress import TrainingProgress, say
from tasks.registry import register_task

TRAIN_POOL = 100_000  # training programs drawn once and cycled through


def model_inputs(steps):
    """Network inputs of programs: `programs.encode` with the values divided by SCALE."""
    features = programs.encode(steps)
    features[..., programs.VALUE] /= SCALE
    return features


@dataclasses.dataclass(frozen=True)
class ProgramTask:
    name: str = "program_eval"
    description: str = ("the value a small program of +, - and if prints, trained on "
                        "two-digit constants, scored on three and four (Trask et al. 2018, "
                        "4.4)")
    family = "programs"
    config_class = ProgramConfig

    def defaults_for(self, config):
        return {"steps": 24000, "batch_size": 64, "lr": 3e-3, "core": "nau", "hidden": 64,
                "statements": 2, "train_digits": 2, "test_digits": [2, 3, 4],
                "programs": 1000, "length": None, "eval_lengths": []}

    def check(self, config):
        if config.core not in MODELS:
            raise UsageError(f"--core {config.core}: choose from {', '.join(MODELS)}")
        for digits in config.test_digits:
            if digits > 6:
                raise UsageError(f"--test-digits {','.join(map(str, config.test_digits))}: "
                                 "digit counts go from 1 to 6")
        refuse_unused(config, ("head", "length", "eval_lengths", "checkpoint_every",
                               "random_recurrence", "resume"))

    def test_programs(self, config, digits):
        """The test programs of `digits` digits: the same for every seed of a setting."""
        rng = np.random.default_rng([digits, config.statements, 0x9E0])
        return programs.generate(config.programs, digits, config.statements, rng)

    def load_inputs(self, config):
        rng = np.random.default_rng([config.seed, 0x9E1])
        pool = min(TRAIN_POOL, config.steps * config.batch_size)
        return {"train": programs.generate(pool, config.train_digits, config.statements, rng),
                **{digits: self.test_programs(config, digits) for digits in config.test_digits}}

    def make_model(self, config):
        model = build_model(config.core, config.hidden, len(programs.VARIABLES)
                            + config.statements + 1)
        schedule = keras.optimizers.schedules.CosineDecay(config.lr, config.steps)
        model.compile(keras.optimizers.Adam(schedule, clipnorm=1.0), "mse")
        return model

    def score(self, model, steps, values):
        predictions = model.predict(model_inputs(steps), batch_size=500, verbose=0)[:, 0] * SCALE
        return {"programs": len(values),
                "exact": float(np.mean(np.round(predictions) == values)),
                "digits": float(np.mean(programs.digit_match(predictions, values))),
                "mae": float(np.mean(np.abs(predictions - values)))}

    def run(self, config, folder, inputs):
        keras.utils.set_random_seed(config.seed)
        model = self.make_model(config)
        steps, values = inputs["train"]
        features, targets = model_inputs(steps), (values / SCALE).astype("float32")[:, None]
        def batches():  # the pool in its drawn order, cycled through
            for step in range(config.steps):
                picks = (step * config.batch_size + np.arange(config.batch_size)) % len(values)
                yield features[picks], targets[picks]

        started = time.perf_counter()
        history = model.fit(batches(), steps_per_epoch=config.steps, epochs=1, verbose=0,
                            callbacks=[TrainingProgress(config.steps, quiet=config.quiet)])
        train_seconds = time.perf_counter() - started
        metrics = {str(digits): self.score(model, *inputs[digits])
                   for digits in config.test_digits}
        for digits, metric in metrics.items():
            say(f"{digits} digits: exact {metric['exact']:.1%}, digits {metric['digits']:.1%}, "
                f"MAE {metric['mae']:.4g}", config.quiet)
        return model, {
            "task": self.name, "core": config.core, "head": None, "seed": config.seed,
            "steps": config.steps, "statements": config.statements,
            "train_digits": config.train_digits, "train_length": None, "digits": None,
            "train_seconds": train_seconds, "final_loss": float(history.history["loss"][-1]),
            "metrics": metrics,
        }

    def metrics_table(self, metrics):
        rows = ["| digits | programs | exact | matching digits | MAE |",
                "|---:|---:|---:|---:|---:|"]
        for digits, metric in metrics.items():
            rows.append(f"| {digits} | {metric['programs']} | {metric['exact']:.3f} | "
                        f"{metric['digits']:.3f} | {metric['mae']:.4g} |")
        return "\n".join(rows)

    def rescore(self, run, request):
        """Every --test-digits count of the run scored again; written to results.json when
        it has no metrics or with `request.replace`."""
        model = run.load_model()
        config = run.config
        metrics = {str(digits): self.score(model, *self.test_programs(config, digits))
                   for digits in config.test_digits}
        run.keep_scores(metrics, self.metrics_table(metrics), request.replace)

    def report_table(self, runs):
        """A row per run: exact and matching-digit shares per digit count."""
        lines = ["| run | model | statements | exact (digits: share) | matching digits |",
                 "|---|---|---:|---|---|"]
        for run in runs:
            metrics = run.results["metrics"]
            exact = ", ".join(f"{d}: {m['exact']:.3f}" for d, m in metrics.items())
            digits = ", ".join(f"{d}: {m['digits']:.3f}" for d, m in metrics.items())
            lines.append(f"| {run.folder.name} | {run.config.core} | "
                         f"{run.config.statements} | {exact} | {digits} |")
        return "\n".join(lines) + "\n"

    def report_figures(self, runs, pictures):
        return {}


register_task(ProgramTask())
