"""MNIST sequence tasks: a CNN reads one digit per step, a recurrent core accumulates.

Trask et al. (2018), section 4.2: digit counting and digit addition, trained on 10 digits
and scored on 100 and 1000; Madsen & Johansen (2020): the sequential product of digits 1-9,
trained on 2 and scored on 1 to 20.
"""

import dataclasses
import time
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from data.digits import load_digits
from data.sequences import images_as_floats, training_dataset
from errors import UsageError
from tasks import cores
from tasks.mnist import report
from tasks.mnist.config import MnistConfig
from tasks.mnist.evaluation import compiled_step_options, rescore_lengths, score_lengths
from tasks.mnist.model import ENCODER_NORMS, build_model
from tasks.mnist.training import EncoderAdamW, decay_encoder_only, fit_with_checkpoints
from tasks.progress import say
from tasks.registry import register_task


# Targets from label sequences (n, length) -> (n, outputs), written in TensorFlow: they run
# inside the tf.data input pipeline, which feeds every Keras backend.
def _sum(labels):
    return tf.reduce_sum(tf.cast(labels, tf.float32), axis=1, keepdims=True)


def _count(labels):
    return tf.reduce_sum(tf.one_hot(labels, 10), axis=1)


def _product(labels):
    return tf.reduce_prod(tf.cast(labels, tf.float32), axis=1, keepdims=True)


def _running_product(labels):  # (n, length) -> (n, length, 1): the product of each prefix
    return tf.math.cumprod(tf.cast(labels, tf.float32), axis=1)[..., None]


@dataclasses.dataclass(frozen=True)
class MnistTask:
    """A digit-sequence task: which digits, what target, how long, and the defaults."""

    name: str
    target: Callable
    outputs: int
    encoding_size: int
    classes: tuple = tuple(range(10))
    train_length: int = 10
    eval_lengths: tuple = (10, 100, 1000)
    steps: int = 8000
    batch_size: int = 32
    learning_rate: float = 3e-3
    shift: int = 0  # --shift: random whole-pixel moves of the training images (augmentation)
    weight_decay: float = 0.0  # --weight-decay: AdamW decay of the encoder's weights
    dropout: float = 0.0  # --dropout: on the encoder's dense(500) layer, in training only
    test_shift: int = 0  # --test-shift: outside training, average the encoder over moves
    encoder_norm: str = "layer"  # --encoder-norm: where the encoder normalises (model.py)
    core: str = "nac"
    head: str = "linear"
    unit_head: str | None = None  # default head when the core is a unit (else `head`)
    z_penalty: float = 0.0  # --z-penalty's default for the cores that take it (cores.py)
    # where every image's encoding starts (the output layer's initial bias) and the output
    # layer's activation (None: linear); see mnist_prod
    encoding_start: float = 0.0
    encoding_activation: str | None = None
    # the target after every step, (n, length) -> (n, length, outputs): with it, training
    # scores the output after every prefix of a sequence (Madsen & Johansen's `cumprod`),
    # so a length-2 sequence teaches lengths 1 and 2
    step_target: Callable | None = None
    description: str = ""
    family = "mnist"
    config_class = MnistConfig

    @property
    def defaults(self):
        return {
            "length": self.train_length,
            "eval_lengths": list(self.eval_lengths),
            "steps": self.steps,
            "batch_size": self.batch_size,
            "lr": self.learning_rate,
            "core": self.core,
            "head": self.head,
            "eval_sequences": 1000,
            "shift": self.shift,
            "weight_decay": self.weight_decay,
            "dropout": self.dropout,
            "test_shift": self.test_shift,
            "encoder_norm": self.encoder_norm,
            "z_penalty": 0.0,
        }

    def defaults_for(self, config):
        """The defaults, with `unit_head` as the head when the requested core is an
        accumulator, and the task's `z_penalty` for the cores that take one."""
        defaults = dict(self.defaults)
        core = config.core or self.core
        if self.unit_head and cores.is_accumulator_core(core):
            defaults["head"] = self.unit_head
        if core in cores.INPUT_PENALTY_CORES:
            defaults["z_penalty"] = self.z_penalty
        return defaults

    def hidden_size(self, config):
        """State size: one accumulator per output for a unit core, 64 for the baselines."""
        if config.hidden is not None:
            return config.hidden
        return self.outputs if cores.is_accumulator_core(config.core) else 64

    def targets(self, labels):
        """Targets (n, outputs) float32 for label sequences (n, length)."""
        return np.asarray(self.target(tf.constant(np.asarray(labels))), dtype="float32")

    def score(self, predictions, targets):
        """MAE, MSE, and the share of sequences whose rounded prediction is exactly right."""
        exact = np.all(np.round(predictions) == targets, axis=1)
        errors = np.asarray(predictions, "float64") - targets
        return {
            "mae": float(np.mean(np.abs(errors))),
            "mse": float(np.mean(np.square(errors))),
            "accuracy": float(np.mean(exact)),
        }

    def check(self, config):
        # raises a UsageError for an unknown core, or a --z-penalty it does not take
        cores.build_core(config.core, 1, input_penalty=config.z_penalty)
        cores.build_head(config.head, 1)
        if config.encoder_norm not in ENCODER_NORMS:
            raise UsageError(f"--encoder-norm {config.encoder_norm}: choose from "
                             f"{', '.join(ENCODER_NORMS)}")
        if (config.core in cores.EXACT_CORES
                and self.hidden_size(config) != self.encoding_size):
            raise UsageError(
                f"--hidden {self.hidden_size(config)}: --core {config.core} keeps one value "
                f"per encoding, so its state must hold {self.encoding_size}")
        if config.head == "identity" and self.hidden_size(config) != self.outputs:
            raise UsageError(
                f"--head identity: the core's state ({self.hidden_size(config)} values) is "
                f"the answer, so it must hold {self.outputs}; use --hidden {self.outputs} "
                "or --head linear"
            )

    def load_digits(self, config):
        return load_digits(config.digits).restrict(list(self.classes))

    def make_model(self, config):
        model = build_model(self, config.core, config.head, self.hidden_size(config),
                            identity_recurrence=not config.random_recurrence,
                            dropout=config.dropout, test_shift=config.test_shift,
                            encoder_norm=config.encoder_norm,
                            every_step=self.step_target is not None,
                            input_penalty=config.z_penalty)
        # cosine decay to zero: the late small steps take the noise out of the digit values
        schedule = keras.optimizers.schedules.CosineDecay(config.lr, config.steps)
        if config.weight_decay:
            optimizer = EncoderAdamW(schedule, weight_decay=config.weight_decay)
        else:
            optimizer = keras.optimizers.Adam(schedule)
        model.compile(optimizer, "mse", jit_compile=compiled_step_options())
        decay_encoder_only(model)
        return model

    def load_inputs(self, config):
        digits = self.load_digits(config)
        if digits.note:
            say(f"digits: {digits.note}", config.quiet)
        say(f"digits: {digits.describe()}", config.quiet)
        return digits

    def run(self, config, folder, digits):
        """Train (or resume) in `folder`, evaluate at every length; return the results."""

        def batches(start_step, steps):
            return training_dataset(
                digits.train_images, digits.train_labels, config.length, config.batch_size,
                config.seed, start_step=start_step, steps=steps, max_shift=config.shift,
            ).map(lambda images, labels: (images, (self.step_target or self.target)(labels)))

        started = time.perf_counter()
        model, history = fit_with_checkpoints(self, config, folder, batches)
        train_seconds = time.perf_counter() - started
        metrics = score_lengths(
            model, images_as_floats(digits.test_images), digits.test_labels, self,
            config.eval_lengths, config.eval_sequences, config.seed, quiet=config.quiet,
        )
        return model, {
            "task": self.name,
            "core": config.core,
            "head": config.head,
            "train_length": config.length,
            "seed": config.seed,
            "digits": digits.describe(),
            "steps": history["steps"],
            "train_seconds": train_seconds,
            "final_loss": history["loss"],
            "diverged_at_step": history["diverged_at_step"],
            "metrics": metrics,
        }

    def metrics_table(self, metrics):
        rows = ["| length | MAE | accuracy |", "|---:|---:|---:|"]
        for length, metric in metrics.items():
            rows.append(f"| {length} | {metric['mae']:.4g} | {metric['accuracy']:.3f} |")
        return "\n".join(rows)

    def rescore(self, run, request):
        rescore_lengths(run, request)

    def report_table(self, runs):
        return report.table(runs)

    def report_figures(self, runs, pictures):
        return report.figures(runs, pictures)


# On full MNIST the paper's encoder, trained from sums alone, reads single digits loosely
# (`python -m benchmarks.diagnostics.digit_errors RUN`); layer normalisation lets it fit its
# training digits, and moves of up to 2 pixels (--shift 2) carry that to the test digits
# (Table 2, `python -m benchmarks.table2`, has both encoders). Dropout, weight decay and test
# shift stay off; 8,000 steps at lr 3e-3. The sum trains on batches of 16 sequences, half
# the images of the count's 32, in about 0.6 of the time for a little more error, and
# normalises after conv2 and the dense layer only (`late`: the normalisation after conv1 took
# a quarter of a step; its error stayed inside the main job's bar over three seeds). The steps
# curve, `python -m benchmarks.steps_curve`, and the main job, `python -m benchmarks.main_job`.
register_task(MnistTask(
    "mnist_sum", _sum, outputs=1, encoding_size=1, shift=2, batch_size=16, encoder_norm="late",
    description="sum of the digits in the sequence (Trask et al. 2018, 4.2)",
))
register_task(MnistTask(
    "mnist_count", _count, outputs=10, encoding_size=10, shift=2,
    description="count of each digit class in the sequence (Trask et al. 2018, 4.2)",
))
# Madsen & Johansen's sequential MNIST product: the output after each of the two training
# steps is scored (their cumprod), the NMU core's encodings carry their regulariser R_z at
# strength 1, batches of 64 sequences. They train 1,000 epochs with Adam at 1e-3 on a GPU;
# here 4,000 steps at 3e-3, cosine-decayed, with the sum's encoder settings (late layer
# normalisation, moves of up to 2 pixels), which took the digits read right at length 1
# from 77% to 97% in a probe. A product is unchanged when every digit's encoding flips
# sign: with a linear output the encoder settled on minus the digit in 1 of 3 reference runs
# starting around 0, and in 2 of 7 starting at the digits' mean, 5 (the one-digit prefix
# then wrong by twice the digit, a local minimum: the way back to +digit crosses 0, where
# every longer product is wrong); with a softplus output it died at 0 in 1 of 4. The
# digits are positive, so the encoding is the magnitude of the output layer (started at
# 5): it has no negative side and no flat one. `python -m benchmarks.mnist_prod` scores it.
register_task(MnistTask(
    "mnist_prod", _product, outputs=1, encoding_size=1, classes=tuple(range(1, 10)),
    step_target=_running_product, train_length=2, eval_lengths=tuple(range(1, 21)),
    steps=4000, batch_size=64, core="nmu", unit_head="identity", z_penalty=1.0, shift=2,
    encoder_norm="late", encoding_start=5.0, encoding_activation="magnitude",
    description="product of digits 1-9, trained on 2 (Madsen & Johansen 2020)",
))
