"""Opening a finished run folder: its config, its results and its model, checked."""

import dataclasses
from pathlib import Path

from errors import UsageError
from tasks.registry import get_task
from tasks.runs import read_json_object, write_json


@dataclasses.dataclass
class SavedRun:
    folder: Path
    config: object  # the task family's config (a `tasks.config.RunConfig`)
    results: dict

    @property
    def task(self):
        return get_task(self.config.task)

    def keep_scores(self, metrics, table, replace):
        """evaluate.py's end for a rescored run: print `table`, then write `metrics` into
        results.json when it holds none or `replace` asks, else say it was kept."""
        print(table)
        path = self.folder / "results.json"
        if self.results.get("metrics") and not replace:
            print(f"results: {path} kept as saved (--replace to write these)")
            return
        write_json(path, {**self.results, "metrics": metrics})
        print(f"results: {path}")

    def load_model(self, flag="run"):
        """The run's model.keras, to predict with (its optimizer is not restored); a
        UsageError if it is missing, truncated or corrupt."""

        import nalu  # noqa: F401  (registers the units for deserialization; the tasks
        # package, imported with the registry, registers its own layers and optimizer)

        path = self.folder / "model.keras"
        if not path.exists():
            raise UsageError(f"{flag} {self.folder}: holds no model (no model.keras)")
        return load_model_file(path, f"{flag} {self.folder}", compile=False)


def load_model_file(path, what, compile=True):
    """A saved Keras model; a UsageError saying `what: NAME is corrupt or truncated` when it
    cannot be loaded (or `is missing`).

    With `compile` False the optimizer is not rebuilt: Keras saves the class of the backend
    that trained the model (`keras.src.backend.torch.optimizers...` for PyTorch), and
    importing it beside TensorFlow kills the process, so a model that is only scored loads on
    any backend without it."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{what}: {path.name} is missing")
    try:
        return keras.saving.load_model(path, compile=compile)
    except Exception as error:  # noqa: BLE001  (any load failure is the file's fault)
        raise UsageError(f"{what}: {path.name} is corrupt or truncated "
                         f"({error.__class__.__name__})") from None


def open_run(folder, flag="run"):
    """A run folder's config and results; a UsageError naming what is wrong otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{flag} {folder}: no such run folder")
    if not (folder / "config.json").exists():
        raise UsageError(f"{flag} {folder}: not a run folder (no config.json)")
    saved = read_json_object(folder / "config.json", f"{flag} {folder}")
    task = saved.get("task", "mnist_sum")
    try:
        config_class = get_task(task).config_class
    except UsageError:
        raise UsageError(f"{flag} {folder}: config.json names an unknown task "
                         f"({task!r})") from None
    config = config_class.from_json(saved)
    try:
        config.validate()
    except (UsageError, TypeError) as error:  # a value of the wrong type or out of range
        raise UsageError(f"{flag} {folder}: config.json holds a bad value ({error})") from None
    results = {}
    if (folder / "results.json").exists():
        results = read_json_object(folder / "results.json", f"{flag} {folder}")
        if not isinstance(results.get("metrics", {}), dict):
            raise UsageError(f"{flag} {folder}: results.json's 'metrics' is not an object")
    return SavedRun(folder, config, results)
