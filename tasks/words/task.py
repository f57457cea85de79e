"""Number words to numbers (Trask et al. 2018, section 4.3), and past 1,000.

An embedding reads one token per step, a recurrent core runs over the tokens, and a head
gives the value of the words read so far after every token ("seven" 7, "hundred" 700,
"and" 700, "twenty" 720, "five" 725); the loss is the MSE over every token. Scored per
split by the MAE of the final value, the MAE over every token, and the share of numbers
whose final value rounds to the right number.

Splits (`--split`, `data.words.split`): `paper` numbers 0-1000, 169 train / 200 validation /
the other 632 test; `extrapolation` trains on 0-9,999 (every token appears, "thousand"
included) and tests on 10,000-999,999 ("four hundred and two thousand and seven").
"""

import dataclasses
import time

import keras
import numpy as np

from data import words
from errors import UsageError
from tasks import cores
from tasks.progress import say
from tasks.registry import register_task
from tasks.words.config import WordsConfig
from tasks.words.model import Previous, RunningSum

SPLITS = {  # name: (largest number, train size, validation size, train below)
    "paper": (1000, 169, 200, None),
    "extrapolation": (words.LARGEST, 1000, 200, 10_000),
}


def masked_mae(predictions, values, mask):
    return float(np.sum(np.abs(predictions - values) * mask) / np.sum(mask))


@dataclasses.dataclass(frozen=True)
class WordsTask:
    name: str = "words_to_number"
    description: str = ("English number words to their value, a prediction after every "
                        "token (Trask et al. 2018, 4.3)")
    family = "words"
    config_class = WordsConfig

    def defaults_for(self, config):
        return {"steps": 8000, "batch_size": 32, "lr": 1e-2, "core": "lstm", "head": "nalu",
                "hidden": 32, "embedding": 32, "split": "paper", "length": None,
                "eval_lengths": []}

    def check(self, config):
        if config.split not in SPLITS:
            raise UsageError(f"--split {config.split}: choose from {', '.join(SPLITS)}")
        cores.build_core(config.core, 1)
        cores.build_head(config.head, 1)
        if config.head == "identity" and config.hidden != 1:
            raise UsageError("--head identity: the core's state is the answer, so it must "
                             "hold one value; use --hidden 1 or another head")

    def load_inputs(self, config):
        largest, train, validation, below = SPLITS[config.split]
        parts = words.split(config.seed, largest, train, validation, train_below=below)
        return dict(zip(("train", "validation", "test"), parts, strict=True))

    def make_model(self, config):
        tokens = keras.Input((None,), dtype="int32", name="tokens")
        embedded = keras.layers.Embedding(len(words.TOKENS) + 1, config.embedding,
                                          mask_zero=True, name="embed")(tokens)
        states = cores.build_core(config.core, config.hidden, sequences=True,
                                  identity_recurrence=not config.random_recurrence)(embedded)
        if config.skip:
            before = Previous(name="before")(states)
            states = keras.layers.Concatenate(name="skip")([embedded, before])
        values = cores.build_head(config.head, 1)(states)
        if config.accumulate:
            values = RunningSum(name="accumulate")(values)
        model = keras.Model(tokens, values, name=f"words_{config.core}_{config.head}")
        schedule = keras.optimizers.schedules.CosineDecay(config.lr, config.steps)
        model.compile(keras.optimizers.Adam(schedule, clipnorm=1.0), "mse")
        return model

    def score(self, model, numbers):
        """Final MAE, per-token MAE and exact-after-rounding share of `numbers`."""
        ids, values, mask = words.encode(numbers)
        predictions = model.predict(ids, batch_size=256, verbose=0)[..., 0]
        last = mask.sum(axis=1).astype(int) - 1
        rows = np.arange(len(numbers))
        final = predictions[rows, last]
        return {"numbers": len(numbers),
                "mae": float(np.mean(np.abs(final - values[rows, last]))),
                "token_mae": masked_mae(predictions, values, mask),
                "exact": float(np.mean(np.round(final) == values[rows, last]))}

    def run(self, config, folder, splits):
        keras.utils.set_random_seed(config.seed)
        model = self.make_model(config)
        ids, values, mask = words.encode(splits["train"])
        rng = np.random.default_rng([config.seed, 0xB47C])
        # batch i: a fixed draw of the training numbers; one epoch of `steps` batches
        order = np.concatenate([rng.permutation(len(ids))
                                for _ in range(config.steps * config.batch_size // len(ids) + 1)])
        picks = order[:config.steps * config.batch_size]
        started = time.perf_counter()
        history = model.fit(ids[picks], values[picks][..., None], sample_weight=mask[picks],
                            batch_size=config.batch_size, epochs=1, shuffle=False,
                            verbose=0 if config.quiet else 2)
        train_seconds = time.perf_counter() - started
        metrics = {name: self.score(model, numbers) for name, numbers in splits.items()}
        for name, metric in metrics.items():
            say(f"{name}: MAE {metric['mae']:.3g}, per token {metric['token_mae']:.3g}, "
                f"exact {metric['exact']:.1%} of {metric['numbers']}", config.quiet)
        return model, {
            "task": self.name, "core": config.core, "head": config.head,
            "split": config.split, "seed": config.seed, "steps": config.steps,
            "train_length": None, "digits": None,
            "train_seconds": train_seconds, "final_loss": float(history.history["loss"][-1]),
            "metrics": metrics,
        }

    def predict_words(self, model, text, largest):
        """The prediction after each token of `text` (a UsageError for words the task does
        not have, empty text, or a number above `largest`)."""
        tokens = words.parse_words(text)
        value = words.prefix_values(tokens)[-1]
        if value > largest:
            raise UsageError(f"--words {text!r}: {value:,} is above {largest:,}, the largest "
                             "number of this run's task")
        if model is None:  # checking the words only
            return []
        ids = np.array([[words.IDS[token] for token in tokens]], dtype="int32")
        predictions = model.predict(ids, verbose=0)[0, :, 0]
        return list(zip(tokens, [float(p) for p in predictions], strict=True))

    def metrics_table(self, metrics):
        rows = ["| split | numbers | MAE (final value) | MAE (every token) | exact |",
                "|---|---:|---:|---:|---:|"]
        for split, metric in metrics.items():
            rows.append(f"| {split} | {metric['numbers']} | {metric['mae']:.4g} | "
                        f"{metric['token_mae']:.4g} | {metric['exact']:.3f} |")
        return "\n".join(rows)

    def rescore(self, run, request):
        """With `request.words`, the prediction after each token of those words; without,
        every split scored again, written to results.json when it has no metrics or with
        `request.replace`."""
        if request.words is not None:
            largest = SPLITS[run.config.split][0]
            self.predict_words(None, request.words, largest)  # bad words fail before loading
            for token, value in self.predict_words(run.load_model(), request.words, largest):
                print(f"{token:>10}  {value:,.2f}")
            return
        model = run.load_model()
        splits = self.load_inputs(run.config)
        metrics = {name: self.score(model, numbers) for name, numbers in splits.items()}
        run.keep_scores(metrics, self.metrics_table(metrics), request.replace)

    def report_table(self, runs):
        """A row per run: the final-value MAE per split and the test exact share."""
        lines = ["| run | split | core | head | MAE train | MAE validation | MAE test | test "
                 "exact |", "|---|---|---|---|---:|---:|---:|---:|"]
        for run in runs:
            config, metrics = run.config, run.results["metrics"]
            head = (f"{config.head}{' (accumulated)' if config.accumulate else ''}"
                    f"{' --skip' if config.skip else ''}")
            maes = " | ".join(f"{metrics[key]['mae']:.4g}"
                              for key in ("train", "validation", "test"))
            lines.append(f"| {run.folder.name} | {config.split} | {config.core} | {head} | "
                         f"{maes} | {metrics['test']['exact']:.3f} |")
        return "\n".join(lines) + "\n"

    def report_figures(self, runs, pictures):
        return {}


register_task(WordsTask())
