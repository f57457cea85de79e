"""Many seeds per (model, op): success rate with a Wilson interval, solved-at, sparsity."""

import dataclasses
import json
import math
from pathlib import Path

import numpy as np

from data.arithmetic import OPERATIONS, ArithmeticData
from errors import UsageError
from tasks.arith_models import BASELINES, check_model, describe
from tasks.arithmetic_training import default_settings, train_copies
from tasks.config import check_value, setting
from tasks.jobs import Job, check_engine, run_jobs
from tasks.progress import say
from tasks.protocols import PROTOCOLS, get_protocol
from tasks.registry import get_task
from tasks.runs import new_run_folder, read_json_object, write_json, write_text


def wilson_interval(successes, trials, z=1.959963984540054):
    """The 95% Wilson score interval (low, high) of a success rate."""
    if trials <= 0:
        raise ValueError(f"`trials` must be positive, received: trials={trials!r}")
    rate = successes / trials
    denominator = 1 + z * z / trials
    center = (rate + z * z / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials**2))
    return max(0.0, center - half), min(1.0, center + half)


@dataclasses.dataclass
class SweepConfig:
    """A sweep: every model of `units` on every op of `ops`, each over `seeds` seeds. The
    fields are sweep.py's flags (`tasks.config.add_flags`)."""

    task: str = setting("arith_static", "arith_static or arith_running")
    ops: tuple = setting(("add",), f"comma-separated from {', '.join(OPERATIONS)}, or all",
                         "names", flag="op")
    units: tuple = setting(("nac",), "comma-separated models, e.g. nac,nalu,nau-nmu", "names")
    seeds: int = setting(10, "number of seeds", "int", 1)
    first_seed: int = setting(0, "the first seed", "int", 0)
    steps: int | None = setting(None, "training steps per seed (default: the recipe's)",
                                "int", 1)
    lr: float | None = setting(None, "initial Adam learning rate", "float", 0)
    batch_size: int | None = setting(None, "samples per step", "int", 1)
    protocol: str = setting("madsen", f"a published protocol: {', '.join(PROTOCOLS)} "
                            "(tasks/protocols.py); arith_static only")
    interpolation: tuple | None = setting(None, "training range low,high (default: the "
                                          "protocol's)", "range")
    extrapolation: tuple | None = setting(None, "test range low,high (default: the "
                                          "protocol's)", "range")
    subset_ratio: float | None = setting(None, "share of the inputs summed into a (and b)",
                                         "float")
    overlap_ratio: float | None = setting(None, "share of a's inputs also in b", "float")
    random_recurrence: bool = setting(
        False, "running form: start unit cells random, not at the identity", "switch")
    out: str = setting("sweeps", "folder that receives the sweep folder")
    name: str | None = setting(None, "sweep folder name")
    quiet: bool = setting(False, "no progress bars", "switch")
    backend: str = setting("auto", "Keras backend: auto (jax if installed, else tensorflow), "
                           "jax, tensorflow or torch")
    engine: str = setting("local", "local (in this process) or ray (an embedded Ray, or the "
                          "cluster at --ray-address)")
    ray_address: str | None = setting(None, "HOST:PORT of a running Ray cluster (or set "
                                      "RAY_ADDRESS); needs --engine ray")
    seeds_per_job: int | None = setting(None, "seeds trained together in one job (default: "
                                        "all of them)", "int", 1)
    resume: bool = setting(False, "continue the sweep folder --out/--name: jobs it has done "
                           "are not run again", "switch")

    def __post_init__(self):
        if tuple(self.ops) == ("all",):
            self.ops = tuple(OPERATIONS)

    def validate(self):
        task = get_task(self.task)
        if not hasattr(task, "form"):
            raise UsageError(f"--task {self.task}: sweeps run the arithmetic tasks only")
        for field in dataclasses.fields(self):
            if getattr(self, field.name) is not None and field.metadata["kind"] in ("int",
                                                                                    "float",
                                                                                    "range"):
                check_value(field, getattr(self, field.name))
        get_protocol(self.protocol)
        if self.protocol != "madsen" and task.form != "static":
            raise UsageError(f"--protocol {self.protocol}: a static-task protocol; "
                             f"--task {self.task} is not arith_static")
        for op in self.ops:
            if op not in OPERATIONS:
                raise UsageError(f"--op {op}: unknown; choose from {', '.join(OPERATIONS)}")
        for unit in self.units:
            check_model(unit, task.form)
            if self.settings(unit).depth == 1 and (unit in BASELINES or "-" in unit):
                raise UsageError(f"--units {unit}: --protocol {self.protocol} trains one "
                                 "unit alone; name a single unit, e.g. nac")
        for op in self.ops:  # validates ranges and ratios
            self.data(op)
        check_engine(self.engine, self.ray_address)
        if self.resume and not self.name:
            raise UsageError("--resume: name the sweep folder to continue with --name")
        return task

    def grid(self):
        """The fields that decide what the sweep computes (a resumed sweep must match)."""
        ignored = {"out", "name", "quiet", "engine", "ray_address", "resume", "backend"}
        return {key: value for key, value in dataclasses.asdict(self).items()
                if key not in ignored}

    def label(self, unit):
        """The model's name in tables: `nac-nac`, or `nac` alone when the protocol trains
        one unit."""
        return unit if self.settings(unit).depth == 1 else describe(unit)

    def jobs(self):
        """One job per (unit, op, block of seeds)."""
        seeds = list(range(self.first_seed, self.first_seed + self.seeds))
        size = self.seeds_per_job or len(seeds)
        return [Job(f"{self.label(unit)}-{op}-seeds{block[0]}-{block[-1]}",
                    "tasks.sweep:train_block",
                    {"config": self.grid(), "unit": unit, "op": op, "seeds": block})
                for unit in self.units for op in self.ops
                for block in (seeds[i:i + size] for i in range(0, len(seeds), size))]

    def data(self, op):
        """The inputs of `op`: the protocol's, with the ranges and ratios given as flags."""
        task, protocol = get_task(self.task), get_protocol(self.protocol)
        fields = {name: value if getattr(self, name) is None else getattr(self, name)
                  for name, value in protocol.data_fields().items()}
        fields["interpolation"] = tuple(fields["interpolation"])
        fields["extrapolation"] = tuple(fields["extrapolation"])
        return ArithmeticData(op=op, form=task.form,
                              input_size=protocol.input_size or task.input_size, **fields)

    def settings(self, unit):
        """The unit's recipe (`default_settings`), then the protocol's settings, then this
        sweep's flags."""
        overrides = {"steps": self.steps, "learning_rate": self.lr,
                     "batch_size": self.batch_size,
                     "identity_recurrence": not self.random_recurrence}
        return dataclasses.replace(default_settings(get_task(self.task).form, unit), **{
            **get_protocol(self.protocol).settings,
            **{key: value for key, value in overrides.items() if value is not None},
        })


def summarize(label, op, results):
    successes = sum(result["success"] for result in results)
    low, high = wilson_interval(successes, len(results))
    solved = [result["solved_at"] for result in results if result["success"]]
    sparsity = [result["sparsity_error"] for result in results
                if result["sparsity_error"] is not None and result["success"]]
    extrapolation = [result["extrapolation_mse"] for result in results]
    return {
        "unit": label,
        "op": op,
        "seeds": len(results),
        "successes": successes,
        "success_rate": successes / len(results),
        "wilson_low": low,
        "wilson_high": high,
        "median_solved_at": float(np.median(solved)) if solved else None,
        "mean_sparsity_error": float(np.mean(sparsity)) if sparsity else None,
        "median_extrapolation_mse": float(np.nanmedian(extrapolation))
        if np.any(np.isfinite(extrapolation)) else None,
        "seconds": results[0]["train_seconds"],
    }


def markdown_table(rows):
    lines = [
        "| unit | op | success | 95% interval | median solved at | mean sparsity error "
        "| median extrapolation MSE | seeds | seconds |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]

    def number(value, digits=3):
        return "-" if value is None else f"{value:.{digits}g}"

    for row in rows:
        lines.append(
            f"| {row['unit']} | {row['op']} | {100 * row['success_rate']:.0f}% "
            f"| [{100 * row['wilson_low']:.0f}%, {100 * row['wilson_high']:.0f}%] "
            f"| {number(row['median_solved_at'], 6)} | {number(row['mean_sparsity_error'])} "
            f"| {number(row['median_extrapolation_mse'])} | {row['seeds']} "
            f"| {row['seconds']:.0f} |"
        )
    return "\n".join(lines)


def train_block(config, unit, op, seeds):
    """One job of a sweep: `unit` on `op` for a block of seeds; the per-seed results."""
    config = SweepConfig(**{**config, "quiet": True})
    return train_copies(config.data(op), config.settings(unit), unit, seeds, quiet=True)


def sweep_folder(config, name, saved):
    """A new sweep folder, or with --resume the existing one, whose grid, backend and
    resolved training settings (a recipe may have changed since) must match."""
    folder = Path(config.out) / name
    if config.resume and folder.exists() and not (folder / "config.json").exists():
        write_json(folder / "config.json", saved)  # stopped before it wrote its config
        return folder
    if config.resume and folder.exists():
        previous = read_json_object(folder / "config.json", f"--resume {folder}")
        same = json.loads(json.dumps({**config.grid(), "backend": saved["backend"],
                                      "settings": saved["settings"]}))
        if {key: previous.get(key) for key in same} != same:
            raise UsageError(f"--resume {folder}: that sweep has other settings; resume it "
                             "with the flags it was started with")
        return folder
    folder = new_run_folder(config.out, name)
    write_json(folder / "config.json", saved)
    return folder


def run_sweep(config):
    """Run every (unit, op) over the seeds as jobs on the engine; write each job's result as
    it arrives, then results.json and table.md; return (folder, rows)."""
    config.validate()
    name = config.name
    if not name:
        name = f"{config.task}-{'_'.join(config.units)}-{'_'.join(config.ops)}"
        if config.protocol != "madsen":
            name += f"-{config.protocol}"
        if config.random_recurrence:
            name += "-random_recurrence"
    import keras

    folder = sweep_folder(config, name, {
        **dataclasses.asdict(config), "backend": keras.backend.backend(),
        "settings": {config.label(unit): dataclasses.asdict(config.settings(unit))
                     for unit in config.units}})
    jobs = config.jobs()
    if config.resume and (folder / "results.json").exists() and all(
            (folder / "jobs" / f"{job.name}.json").exists() for job in jobs):
        raise UsageError(f"--resume {folder}: this sweep has finished (results.json and "
                         "every job's result are there); nothing to resume")
    results, failures, total = run_jobs(jobs, folder / "jobs", config.engine,
                                        config.ray_address, quiet=config.quiet)
    rows, per_seed = [], {}
    for unit in config.units:
        for op in config.ops:
            done = [result for job in jobs if job.arguments["unit"] == unit
                    and job.arguments["op"] == op and job.name in results
                    for result in results[job.name]]
            if done:
                rows.append(summarize(config.label(unit), op, done))
                per_seed[f"{config.label(unit)}/{op}"] = done
    write_json(folder / "results.json", {"rows": rows, "per_seed": per_seed,
                                         "total_seconds": total, "engine": config.engine,
                                         "failed_jobs": failures,
                                         "backend": keras.backend.backend()})
    write_text(folder / "table.md", markdown_table(rows) + "\n")
    say(markdown_table(rows), False)
    say(f"total: {total:.0f} s; results: {folder / 'results.json'}, table: {folder / 'table.md'}",
        False)
    for job_name, error in failures.items():
        say(f"job {job_name} failed: {error}", False)
    return folder, rows
