"""Progress display: tqdm bars with rate and ETA, silenced by --quiet."""

import sys

import keras
from tqdm.auto import tqdm


def bar(total, description, quiet, unit="it", initial=0):
    """The one progress bar of the project (on stderr; nothing when `quiet`)."""
    return tqdm(total=total, initial=initial, desc=description, unit=unit, disable=quiet,
                file=sys.stderr, dynamic_ncols=True, leave=True)


class TrainingProgress(keras.callbacks.Callback):
    """A tqdm bar over training steps showing the running loss."""

    def __init__(self, total_steps, initial_step=0, quiet=False):
        super().__init__()
        self.progress = bar(total_steps, "train", quiet, unit="step", initial=initial_step)

    def on_train_batch_end(self, batch, logs=None):
        self.progress.update(1)
        if logs and "loss" in logs and batch % 10 == 0:
            self.progress.set_postfix(loss=f"{float(logs['loss']):.4g}")


def say(message, quiet=False):
    if not quiet:
        print(message, flush=True)
