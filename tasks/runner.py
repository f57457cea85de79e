"""`run(config)`: one training run from a config to a run folder with its results."""

from pathlib import Path

from errors import UsageError
from tasks.registry import get_task
from tasks.runs import atomic_path, new_run_folder, read_json_object, write_json

# Training options that older config.json files lack, with their "off" value: that, not
# today's default, is what those runs trained with (a resumed run's batches depend on --shift,
# its model's layers on --encoder-norm).
KNOBS_ADDED_LATER = {"shift": 0, "weight_decay": 0, "dropout": 0, "test_shift": 0,
                     "encoder_norm": "none"}


def default_run_name(config):
    parts = [config.task, getattr(config, "op", None), config.core, config.head,
             f"len{config.length}" if config.length else getattr(config, "split", None),
             f"seed{config.seed}"]
    return "-".join(str(part) for part in parts if part is not None)


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
        for knob, off in KNOBS_ADDED_LATER.items():  # a run saved before the knob ran without it
            saved.setdefault(knob, off)
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
        folder = new_run_folder(config.out, config.name or default_run_name(config))
        write_json(folder / "config.json", config.to_json())
    model, results = task.run(config, folder, inputs)
    if model is not None:
        with atomic_path(folder / "model.keras") as partial:
            model.save(partial)
    write_json(folder / "results.json", results)
    return folder, results


def _number(value):
    return "-" if value is None else format(value, ".3g")


def metrics_table(results):
    """A Markdown table of the metrics: per evaluation length, or the arithmetic criterion."""
    metrics = results["metrics"]
    if "extrapolation" in metrics:  # arithmetic tasks: one seed scored by the criterion
        metric = metrics["extrapolation"]
        return "\n".join([
            "| extrapolation MSE | threshold | success | solved at | sparsity error |",
            "|---:|---:|---|---:|---:|",
            f"| {metric['extrapolation_mse']:.3g} | {metric['threshold_mse']:.3g} | "
            f"{'yes' if metric['success'] else 'no'} | {metric['solved_at'] or '-'} | "
            f"{_number(metric['sparsity_error'])} |",
        ])
    if "test" in metrics:  # the language task: one row per split
        rows = ["| split | numbers | MAE (final value) | MAE (every token) | exact |",
                "|---|---:|---:|---:|---:|"]
        for split, metric in metrics.items():
            rows.append(f"| {split} | {metric['numbers']} | {metric['mae']:.4g} | "
                        f"{metric['token_mae']:.4g} | {metric['exact']:.3f} |")
        return "\n".join(rows)
    rows = ["| length | MAE | accuracy |", "|---:|---:|---:|"]
    for length, metric in metrics.items():
        rows.append(f"| {length} | {metric['mae']:.4g} | {metric['accuracy']:.3f} |")
    return "\n".join(rows)
