"""`run(config)`: one training run from a config to a run folder with its results."""

from pathlib import Path

from errors import UsageError
from tasks.registry import get_task
from tasks.runs import atomic_path, new_run_folder, read_json_object, write_json


def prepare(config):
    """Resolve the config against its task's defaults (or the resumed run's config)."""
    if config.resume:
        folder = Path(config.resume)
        if not (folder / "config.json").exists():
            raise UsageError(f"--resume {config.resume}: not a run folder (no config.json)")
        if (folder / "results.json").exists():
            raise UsageError(f"--resume {config.resume}: this run has finished (results.json "
                             "is there); nothing to resume")
        saved = read_json_object(folder / "config.json", f"--resume {config.resume}")
        config_class = get_task(saved.get("task", config.task)).config_class
        config = config_class.from_json({**saved, "resume": str(folder), "quiet": config.quiet})
    task = get_task(config.task)
    if not isinstance(config, task.config_class):  # e.g. a RunConfig built by hand
        config = task.config_class.from_json(config.to_json())
    config = config.resolved(task.defaults_for(config))
    task.check(config)
    return task, config


def run(config):
    """Train and evaluate one run; returns (folder, results). Writes config, model, results."""

    task, config = prepare(config)
    inputs = task.load_inputs(config)  # bad --digits fails here, before anything is written
    if config.resume:
        folder = Path(config.resume)
    else:
        folder = new_run_folder(config.out, config.name or config.run_name())
        write_json(folder / "config.json", config.to_json())
    model, results = task.run(config, folder, inputs)
    if model is not None:
        with atomic_path(folder / "model.keras") as partial:
            model.save(partial)
    write_json(folder / "results.json", results)
    return folder, results
