"""The training loop shared by the sequence tasks: segments, checkpoints, resume, divergence.

Training runs in segments of `checkpoint_every` steps (one segment when they are off). After
each segment the model, with its optimizer state, is saved (through a rename) and then
`checkpoint.json` naming it, so a run killed at any moment keeps its last complete
checkpoint. Because batch `i` is a pure function of (seed, i), a resumed run
continues with exactly the batches it would have seen and ends with the same weights.
If the loss turns NaN or inf at step t (the loss of the weights after t - 1 updates), training
stops, a message on stderr names the step (also under --quiet), and the model falls back to
the newest checkpoint from step t - 2 or earlier, the last weights known to give a finite
loss; the checkpoint before the latest is kept for that, and step 0 is checkpointed too.
Checkpoints are `checkpoint-<step>.keras`; `checkpoint.json` names the latest two.
"""

import math
import sys
from pathlib import Path

import keras
import numpy as np

from errors import UsageError
from tasks.mnist.evaluation import compiled_step_options
from tasks.progress import TrainingProgress, say
from tasks.runs import atomic_path, read_json_object, write_json
from tasks.saved_runs import load_model_file

CHECKPOINT_STATE = "checkpoint.json"  # {"step", "previous_step"}: names the model files


def _checkpoint_model(folder, step):
    return Path(folder) / f"checkpoint-{step}.keras"


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


@keras.saving.register_keras_serializable(package="tasks")
class EncoderAdamW(keras.optimizers.AdamW):
    """AdamW (`--weight-decay`) that decays only the variables named by `decay_only`.

    `decay_encoder_only` names the digit encoder's: decaying a unit core would pull it off
    its exact accumulator. Which variables those are is not saved with the optimizer, so it
    is named again whenever a model is built or loaded to train on.
    """

    def decay_only(self, variables):
        self._decayed = {self._var_key(variable) for variable in variables}

    def _use_weight_decay(self, variable):
        return self._var_key(variable) in getattr(self, "_decayed", set())


def decay_encoder_only(model):
    """Point an `EncoderAdamW` at the weights of the model's `encode` layer (else nothing)."""
    if isinstance(model.optimizer, EncoderAdamW):
        model.optimizer.decay_only(model.get_layer("encode").trainable_weights)


def save_checkpoint(model, folder, step):
    """Save the model of `step`; keep it and the one before it, drop older ones.

    The model file is written first and `checkpoint.json` (through a rename) last, so a kill
    at any moment leaves a state file that names complete model files.
    """
    folder = Path(folder)
    state_path = folder / CHECKPOINT_STATE
    previous = _read_state(state_path)["step"] if state_path.exists() else None
    with atomic_path(_checkpoint_model(folder, step)) as partial:
        model.save(partial)
    write_json(state_path, {"step": step, "previous_step": previous})
    kept = {_checkpoint_model(folder, kept_step).name
            for kept_step in (step, previous) if kept_step is not None}
    for path in folder.glob("checkpoint-*.keras"):
        if path.name not in kept:
            path.unlink()


def _read_state(path):
    """checkpoint.json, checked: {"step": int, "previous_step": int or null}."""
    state = read_json_object(path, f"--resume {path.parent}", needs=("step",))
    for key in ("step", "previous_step"):
        value = state.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            raise UsageError(f"--resume {path.parent}: {path.name} has a bad {key!r} ({value!r})")
    return state


def load_checkpoint(folder, before=None):
    """(model with optimizer state, step) of the run's last checkpoint, or (None, 0).

    With `before`, the newest of the last two checkpoints whose step is below it.
    """
    state_path = Path(folder) / CHECKPOINT_STATE
    if not state_path.exists():
        return None, 0
    state = _read_state(state_path)
    legacy = Path(folder) / "checkpoint.keras"  # a run checkpointed by an earlier version
    if "previous_step" not in state and legacy.exists():
        return load_model_file(legacy, f"--resume {folder}"), int(state["step"])
    for step in (state["step"], state.get("previous_step")):
        if step is not None and (before is None or step < before):
            return load_model_file(_checkpoint_model(folder, step), f"--resume {folder}"), int(step)
    return None, 0


def fit_with_checkpoints(task, config, folder, batches):
    """Train `task.make_model(config)` for `config.steps`; `batches(start, n)` gives data."""
    keras.utils.set_random_seed(config.seed)
    model, step = load_checkpoint(folder) if config.resume else (None, 0)
    if model is None:
        model = task.make_model(config)
    else:
        decay_encoder_only(model)
        model.jit_compile = compiled_step_options()  # the saved one may be another backend's
        if step:
            say(f"resuming from step {step}", config.quiet)
    segment = config.checkpoint_every or config.steps
    progress = TrainingProgress(config.steps, initial_step=step, quiet=config.quiet)
    tensorboard = keras.callbacks.TensorBoard(
        log_dir=str(Path(folder) / "tensorboard"), write_graph=False, update_freq=50
    )
    loss, diverged_at = float("nan"), None
    if config.checkpoint_every and step == 0:
        save_checkpoint(model, folder, 0)
    while step < config.steps:
        length = min(segment, config.steps - step)
        guard = _StopOnDivergence(step)
        history = model.fit(
            batches(step, length), steps_per_epoch=length, epochs=1, verbose=0, shuffle=False,
            callbacks=[progress, guard, tensorboard], initial_epoch=0,
        )
        if guard.diverged_at is not None:
            diverged_at = guard.diverged_at
            # the weights after diverged_at - 1 updates gave the non-finite loss
            restored, restored_step = load_checkpoint(folder, before=diverged_at - 1)
            if restored is not None:
                model, step = restored, restored_step
                kept = f"keeping the checkpoint of step {step}"
            else:
                step = diverged_at
                kept = "no earlier checkpoint to fall back to (use --checkpoint-every)"
            print(f"training diverged: the loss became NaN or inf at step {diverged_at}; "
                  f"{kept}", file=sys.stderr, flush=True)
            break
        step += length
        loss = float(history.history["loss"][-1])
        if config.checkpoint_every:
            save_checkpoint(model, folder, step)
    progress.progress.close()
    finite_loss = loss if np.isfinite(loss) else None
    return model, {"steps": step, "loss": finite_loss, "diverged_at_step": diverged_at}
