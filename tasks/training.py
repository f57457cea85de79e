"""The training loop shared by the sequence tasks: segments, checkpoints, resume, divergence.

Training runs in segments of `checkpoint_every` steps (one segment when they are off). After
each segment the model, with its optimizer state, is saved to `checkpoint.keras` and the
step to `checkpoint.json`, both through a rename, so a run killed at any moment keeps its
last complete checkpoint. Because batch `i` is a pure function of (seed, i), a resumed run
continues with exactly the batches it would have seen and ends with the same weights.
If the loss turns NaN or inf, training stops, the message names the step, and the model
falls back to its last finite checkpoint.
"""

import math
import os
from pathlib import Path

import keras
import numpy as np

from tasks.progress import TrainingProgress, say
from tasks.runs import read_json, write_json

CHECKPOINT = "checkpoint.keras"
CHECKPOINT_STATE = "checkpoint.json"


class _StopOnDivergence(keras.callbacks.Callback):
    """Stops `fit` at the first batch whose loss is NaN or inf and remembers which."""

    def __init__(self, first_step):
        super().__init__()
        self.first_step = first_step
        self.diverged_at = None

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.diverged_at = self.first_step + batch + 1
            self.model.stop_training = True


def save_checkpoint(model, folder, step):
    partial = Path(folder) / "checkpoint-partial.keras"
    model.save(partial)
    os.replace(partial, Path(folder) / CHECKPOINT)
    write_json(Path(folder) / CHECKPOINT_STATE, {"step": step})


def load_checkpoint(folder):
    """(model with optimizer state, step) of the run's last checkpoint, or (None, 0)."""
    path = Path(folder) / CHECKPOINT
    if not path.exists():
        return None, 0
    step = read_json(Path(folder) / CHECKPOINT_STATE, "--resume")["step"]
    return keras.saving.load_model(path), int(step)


def fit_with_checkpoints(task, config, folder, batches):
    """Train `task.make_model(config)` for `config.steps`; `batches(start, n)` gives data."""
    keras.utils.set_random_seed(config.seed)
    model, step = load_checkpoint(folder) if config.resume else (None, 0)
    if model is None:
        model = task.make_model(config)
    elif step:
        say(f"resuming from step {step}", config.quiet)
    segment = config.checkpoint_every or config.steps
    progress = TrainingProgress(config.steps, initial_step=step, quiet=config.quiet)
    tensorboard = keras.callbacks.TensorBoard(
        log_dir=str(Path(folder) / "tensorboard"), write_graph=False, update_freq=50
    )
    loss, diverged_at = float("nan"), None
    while step < config.steps:
        length = min(segment, config.steps - step)
        guard = _StopOnDivergence(step)
        history = model.fit(
            batches(step, length), steps_per_epoch=length, epochs=1, verbose=0, shuffle=False,
            callbacks=[progress, guard, tensorboard], initial_epoch=0,
        )
        if guard.diverged_at is not None:
            diverged_at = guard.diverged_at
            say(f"training diverged: the loss became NaN or inf at step {diverged_at}; "
                "keeping the last finite checkpoint", config.quiet)
            restored, restored_step = load_checkpoint(folder)
            if restored is not None:
                model, step = restored, restored_step
            break
        step += length
        loss = float(history.history["loss"][-1])
        if config.checkpoint_every:
            save_checkpoint(model, folder, step)
    progress.progress.close()
    finite_loss = loss if np.isfinite(loss) else None
    return model, {"steps": step, "loss": finite_loss, "diverged_at_step": diverged_at}
