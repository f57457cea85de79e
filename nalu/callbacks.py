"""Keras callbacks that drive the units' training schedules."""

import keras
import numpy as np
from keras import ops

from nalu.regularizers import ScheduledRegularizer


def scheduled_regularizers(model):
    """Every `ScheduledRegularizer` held by a layer (or nested layer/cell) of `model`."""
    found = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        for value in vars(layer).values():
            if isinstance(value, ScheduledRegularizer) and value not in found:
                found.append(value)
    return found


def sync_model_state(model):
    """Make the model's variables current (JAX's `fit` keeps its state apart from them
    between batches); a variable assigned after this is read by the next training step."""
    sync = getattr(model, "jax_state_sync", None)
    if sync is not None:
        sync()


class RegularizerSchedule(keras.callbacks.Callback):
    """Tells every scheduled regularizer the current optimizer step before each batch."""

    def on_train_begin(self, logs=None):
        self._regularizers = scheduled_regularizers(self.model)

    def on_train_batch_begin(self, batch, logs=None):
        regularizers = getattr(self, "_regularizers", None)
        if regularizers is None:
            regularizers = self._regularizers = scheduled_regularizers(self.model)
        if not regularizers:
            return
        sync_model_state(self.model)
        step = int(ops.convert_to_numpy(self.model.optimizer.iterations))
        for regularizer in regularizers:
            regularizer.set_step(step)


class ReinitializeOnStagnation(keras.callbacks.Callback):
    """iNALU's restart: re-draw every weight when the loss has stopped improving.

    After each epoch, if `monitor` has not improved by `min_delta` relative to its best
    value within `patience` epochs and is still above `threshold`, every layer's weights
    are re-initialised from their initializers and the optimizer's state is reset.

    Reference: Schloer, Ring, Hotho, "iNALU", arXiv 2003.07629, section 3.
    """

    def __init__(self, monitor="loss", patience=10, min_delta=1e-3, threshold=0.0, seed=None):
        super().__init__()
        self.seed = seed
        self.monitor = monitor
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.threshold = float(threshold)
        self.reinitializations = 0
        self._history = []

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        self._history.append(float(value))
        if len(self._history) <= self.patience or value <= self.threshold:
            return
        best_before = min(self._history[: -self.patience])
        best_recent = min(self._history[-self.patience :])
        if not np.isfinite(best_recent) or best_recent > best_before * (1.0 - self.min_delta):
            self.reinitialize()

    def _fresh(self, initializer):
        """The initializer with a new seed (a seeded Keras initializer repeats its draw)."""
        config = initializer.get_config()
        if "seed" not in config:
            return initializer
        self._seed_source = getattr(self, "_seed_source", np.random.default_rng(self.seed))
        seed = int(self._seed_source.integers(2**31 - 1))
        return initializer.__class__.from_config({**config, "seed": seed})

    def reinitialize(self):
        """Re-draw every trainable weight and reset the optimizer's moments (its step count
        and learning rate are kept)."""
        sync_model_state(self.model)
        for layer in self.model._flatten_layers(include_self=False, recursive=True):
            for name, value in vars(layer).items():
                if name.endswith("_initializer") and callable(value):
                    weight_name = name[: -len("_initializer")]
                    initializer = self._fresh(value)
                    for weight in layer.trainable_weights:
                        if weight.path.split("/")[-1].startswith(weight_name):
                            weight.assign(initializer(weight.shape, dtype=weight.dtype))
        optimizer = self.model.optimizer
        for variable in optimizer.variables:
            if variable is optimizer.iterations or variable.name == "learning_rate":
                continue
            variable.assign(ops.zeros(variable.shape, variable.dtype))
        self.reinitializations += 1
        self._history = []
