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
from keras import ops

from data.digits import load_digits
from data.sequences import images_as_floats, training_dataset
from errors import UsageError
from tasks import cores
from tasks.config import MnistConfig
from tasks.evaluation import score_lengths
from tasks.progress import say
from tasks.registry import register_task
from tasks.training import EncoderAdamW, decay_encoder_only, fit_with_checkpoints


@keras.saving.register_keras_serializable(package="tasks")
class ResumableDropout(keras.layers.Dropout):
    """Dropout whose random state is saved with the model (Keras does not save it), so a run
    resumed from a checkpoint draws the masks the uninterrupted run draws."""

    def save_own_variables(self, store):
        store["seed_state"] = np.asarray(self.seed_generator.state.value)

    def load_own_variables(self, store):
        if "seed_state" in store:
            self.seed_generator.state.assign(store["seed_state"])


def shift_offsets(shift):
    """Every whole-pixel move (rows, columns) of up to `shift` pixels along each axis."""
    return [(rows, columns) for rows in range(-shift, shift + 1)
            for columns in range(-shift, shift + 1)]


class _TestShiftLayer(keras.layers.Layer):
    """A layer of the test-time shifts of up to `shift` pixels (see `build_encoder`)."""

    def __init__(self, shift, **kwargs):
        super().__init__(**kwargs)
        self.shift = int(shift)

    def compute_output_shape(self, input_shape):
        return (None, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "shift": self.shift}


@keras.saving.register_keras_serializable(package="tasks")
class ShiftCopies(_TestShiftLayer):
    """Outside training: images (n, h, w, c) -> ((2s + 1)^2 n, h, w, c), the images moved by
    every offset of `shift_offsets(s)` (zero fill), one block of n per offset. In training:
    the images unchanged. `ShiftMean` after the encoder averages the blocks' outputs."""

    def call(self, images, training=None):
        if training or not self.shift:
            return images
        s = self.shift
        height, width = images.shape[1], images.shape[2]
        padded = ops.pad(images, [[0, 0], [s, s], [s, s], [0, 0]])
        moved = [padded[:, s - rows:s - rows + height, s - columns:s - columns + width]
                 for rows, columns in shift_offsets(s)]
        return ops.concatenate(moved, axis=0)


@keras.saving.register_keras_serializable(package="tasks")
class ShiftMean(_TestShiftLayer):
    """Outside training: the mean over the (2s + 1)^2 blocks that `ShiftCopies(s)` made."""

    def call(self, outputs, training=None):
        if training or not self.shift:
            return outputs
        copies = len(shift_offsets(self.shift))
        return ops.mean(ops.reshape(outputs, (copies, -1, *outputs.shape[1:])), axis=0)


# --encoder-norm: what follows each hidden layer of the encoder (a list of new layers).
# "layer" normalises each image's activations over all their units (channels and positions
# alike: GroupNormalization with one group), so an image's value never depends on the rest
# of its batch and training and inference compute the same function.
ENCODER_NORMS = {
    "layer": lambda: [keras.layers.GroupNormalization(groups=1)],
    "none": lambda: [],
}


def build_encoder(encoding_size, dropout=0.0, test_shift=0, norm="none"):
    """The stable-nalu digit encoder: conv(20,5) pool conv(50,5) pool dense(500) dense(out).

    With `norm` "layer", layer normalisation follows each conv layer and the dense(500) layer
    (after the ReLU); "none" is the paper's encoder. With `dropout`, a Dropout layer (active
    only in training) follows the dense(500) layer. With `test_shift` s, outside training the
    output for an image is the mean of the outputs for the image moved by every offset of up
    to s pixels (test-time augmentation).
    """
    normalise = ENCODER_NORMS[norm]
    hidden = [keras.layers.Dense(500, activation="relu"), *normalise()]
    if dropout:
        hidden.append(ResumableDropout(dropout))
    copies, mean = ([ShiftCopies(test_shift)], [ShiftMean(test_shift)]) if test_shift else ([], [])
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            *copies,
            keras.layers.Conv2D(20, 5, activation="relu"),
            *normalise(),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(50, 5, activation="relu"),
            *normalise(),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            *hidden,
            keras.layers.Dense(encoding_size),
            *mean,
        ],
        name="encoder",
    )


@keras.saving.register_keras_serializable(package="tasks")
class SequenceEncoder(keras.layers.TimeDistributed):
    """The encoder over every step of (batch, time, ...) images, as one batch of
    batch * time images.

    Keras' TimeDistributed calls the encoder once per step in training (slower on a CPU:
    `python -m benchmarks.training_profile` measures both), and outside
    training maps it over a time axis of unknown length with vectorized_map, which failed
    (Keras 3.15, TensorFlow 2.21): `model.predict` on length-1 sequences after another
    length raised "slice index 9 of dimension 0 out of bounds".
    """

    def call(self, inputs, training=None, mask=None):
        shape = ops.shape(inputs)
        encoded = self.layer(ops.reshape(inputs, (-1, *inputs.shape[2:])), training=training)
        return ops.reshape(encoded, (shape[0], shape[1], *encoded.shape[1:]))


def build_model(task, core, head, hidden, identity_recurrence=True, dropout=0.0, test_shift=0,
                encoder_norm="none"):
    """images (batch, time, 28, 28, 1) -> encoder per step -> core -> head (batch, outputs)."""
    images = keras.Input((None, 28, 28, 1), name="images")
    encoder = build_encoder(task.encoding_size, dropout, test_shift, encoder_norm)
    encoded = SequenceEncoder(encoder, name="encode")(images)
    state = cores.build_core(core, hidden, identity_recurrence=identity_recurrence)(encoded)
    outputs = cores.build_head(head, task.outputs)(state)
    return keras.Model(images, outputs, name=f"{task.name}_{core}_{head}")


def _sum(labels):
    return ops.sum(ops.cast(labels, "float32"), axis=1, keepdims=True)


def _count(labels):
    return ops.sum(ops.one_hot(labels, 10), axis=1)


def _product(labels):
    return ops.prod(ops.cast(labels, "float32"), axis=1, keepdims=True)


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
    encoder_norm: str = "layer"  # --encoder-norm: layer normalisation in the encoder, or none
    core: str = "nac"
    head: str = "linear"
    unit_head: str | None = None  # default head when the core is a unit (else `head`)
    description: str = ""
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
        }

    def defaults_for(self, config):
        """The defaults, with `unit_head` as the head when the requested core is a unit."""
        defaults = dict(self.defaults)
        if self.unit_head and cores.is_unit_core(config.core or self.core):
            defaults["head"] = self.unit_head
        return defaults

    def hidden_size(self, config):
        """State size: one accumulator per output for a unit core, 64 for the baselines."""
        if config.hidden is not None:
            return config.hidden
        return self.outputs if cores.is_unit_core(config.core) else 64

    def targets(self, labels):
        """Targets (n, outputs) float32 for label sequences (n, length)."""
        return np.asarray(self.target(np.asarray(labels)), dtype="float32")

    def score(self, predictions, targets):
        """MAE, and the share of sequences whose rounded prediction is exactly right."""
        exact = np.all(np.round(predictions) == targets, axis=1)
        return {
            "mae": float(np.mean(np.abs(predictions - targets))),
            "accuracy": float(np.mean(exact)),
        }

    def check(self, config):
        backend = keras.backend.backend()
        if backend != "tensorflow":  # tf.data batches and a tf.function evaluator
            raise UsageError(f"KERAS_BACKEND={backend}: the MNIST tasks run on the tensorflow "
                             "backend only; unset KERAS_BACKEND or set it to tensorflow")
        cores.build_core(config.core, 1)  # raises a UsageError for an unknown core
        cores.build_head(config.head, 1)
        if config.encoder_norm not in ENCODER_NORMS:
            raise UsageError(f"--encoder-norm {config.encoder_norm}: choose from "
                             f"{', '.join(ENCODER_NORMS)}")
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
                            encoder_norm=config.encoder_norm)
        # cosine decay to zero: the late small steps take the noise out of the digit values
        schedule = keras.optimizers.schedules.CosineDecay(config.lr, config.steps)
        if config.weight_decay:
            optimizer = EncoderAdamW(schedule, weight_decay=config.weight_decay)
        else:
            optimizer = keras.optimizers.Adam(schedule)
        model.compile(optimizer, "mse", jit_compile=False)
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
            ).map(lambda images, labels: (images, self.target(labels)))

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


# On full MNIST the paper's encoder, trained from sums alone, reads single digits loosely
# (`python -m benchmarks.digit_errors RUN`); layer normalisation lets it fit its training
# digits, and moves of up to 2 pixels (--shift 2) carry that to the test digits (Table 2,
# `python -m benchmarks.table2`, has both encoders). Dropout, weight decay and test shift stay
# off; 8,000 steps of batch 32 at lr 3e-3.
register_task(MnistTask(
    "mnist_sum", _sum, outputs=1, encoding_size=1, shift=2,
    description="sum of the digits in the sequence (Trask et al. 2018, 4.2)",
))
register_task(MnistTask(
    "mnist_count", _count, outputs=10, encoding_size=10, shift=2,
    description="count of each digit class in the sequence (Trask et al. 2018, 4.2)",
))
register_task(MnistTask(
    "mnist_prod", _product, outputs=1, encoding_size=1, classes=tuple(range(1, 10)),
    train_length=2, eval_lengths=tuple(range(1, 21)), core="nmu", unit_head="identity",
    encoder_norm="none",  # the sum and count tasks' encoder settings are not tuned here
    description="product of digits 1-9, trained on 2 (Madsen & Johansen 2020)",
))
