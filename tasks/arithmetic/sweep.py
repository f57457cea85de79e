"""Many seeds per (model, op) of an arithmetic task, run as jobs (`tasks.jobs`).

`SweepConfig` holds the flags of sweep.py; `plan(unit)` resolves a model's name in tables
and its training settings (its recipe, then the protocol's, then the flags) once, and every
job of that model carries them.
"""

import dataclasses
import json
from pathlib import Path

from data.arithmetic import OPERATIONS, ArithmeticData
from errors import UsageError
from tasks.arithmetic.models import BASELINES, check_model, describe
from tasks.arithmetic.protocols import PROTOCOLS, get_protocol
from tasks.arithmetic.settings import ArithmeticSettings, default_settings
from tasks.arithmetic.summary import markdown_table, summarize
from tasks.arithmetic.task import ArithmeticTask
from tasks.arithmetic.trainer import train_copies
from tasks.config import check_value, setting
from tasks.jobs import Job, check_engine, run_jobs
from tasks.progress import say
from tasks.registry import get_task
from tasks.runs import new_run_folder, read_json_object, write_json, write_text


@dataclasses.dataclass(frozen=True)
class Plan:
    """One model of a sweep, resolved once: its name, its name in tables, its settings."""

    unit: str
    label: str  # `nac-nac`, or `nac` alone when the protocol trains one unit
    settings: ArithmeticSettings


@dataclasses.dataclass
class SweepConfig:
    """A sweep: every model of `units` on every op of `ops`, each over `seeds` seeds. The
    fields are sweep.py's flags (`tasks.config.add_flags`)."""

    task: str = setting("arith_static", "arith_static or arith_running")
    ops: tuple = setting(("add",), f"comma-separated from {', '.join(OPERATIONS)}, or all",
                         "names", flag="op")
    units: tuple = setting(("nac",), "comma-separated models, e.g. nac,nalu,nau-nmu (running: "
                           "also acc-nau-realnpu)", "names")
    seeds: int = setting(10, "number of seeds", "int", 1)
    first_seed: int = setting(0, "the first seed", "int", 0)
    steps: int | None = setting(None, "training steps per seed (default: the recipe's)",
                                "int", 1)
    lr: float | None = setting(None, "initial Adam learning rate", "float", 0)
    batch_size: int | None = setting(None, "samples per step", "int", 1)
    protocol: str = setting("madsen", f"a published protocol: {', '.join(PROTOCOLS)} "
                            "(tasks/arithmetic/protocols.py); arith_static only")
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

    def arithmetic_task(self):
        """The arithmetic task swept; a UsageError for any other."""
        task = get_task(self.task)
        if not isinstance(task, ArithmeticTask):
            raise UsageError(f"--task {self.task}: sweeps run the arithmetic tasks only")
        return task

    def validate(self):
        """Every flag checked; the plans of the units (a UsageError naming a bad one)."""
        task = self.arithmetic_task()
        for field in dataclasses.fields(self):
            if getattr(self, field.name) is not None and field.metadata["kind"] in (
                    "int", "float", "range"):
                check_value(field, getattr(self, field.name))
        get_protocol(self.protocol)
        if self.protocol != "madsen" and task.form != "static":
            raise UsageError(f"--protocol {self.protocol}: a static-task protocol; "
                             f"--task {self.task} is not arith_static")
        for op in self.ops:
            if op not in OPERATIONS:
                raise UsageError(f"--op {op}: unknown; choose from {', '.join(OPERATIONS)}")
            self.range_data(op)  # validates ranges and ratios
        check_engine(self.engine, self.ray_address)
        if self.resume and not self.name:
            raise UsageError("--resume: name the sweep folder to continue with --name")
        return [self.plan(unit) for unit in self.units]

    def grid(self):
        """The fields that decide what the sweep computes (a resumed sweep must match)."""
        ignored = {"out", "name", "quiet", "engine", "ray_address", "resume", "backend"}
        return {key: value for key, value in dataclasses.asdict(self).items()
                if key not in ignored}

    def data(self, op):
        """The inputs of `op`: the protocol's, with the ranges and ratios given as flags."""
        return self.range_data(op)[0]

    def range_data(self, op):
        """The inputs of `op` for each range pair the sweep trains: the protocol's pairs, or
        the one pair of --interpolation/--extrapolation where either is given."""
        task, protocol = self.arithmetic_task(), get_protocol(self.protocol)
        fields = {name: value if getattr(self, name) is None else getattr(self, name)
                  for name, value in protocol.data_fields().items()}
        pairs = protocol.pairs()
        if self.interpolation is not None or self.extrapolation is not None:
            pairs = ((fields["interpolation"], fields["extrapolation"]),)
        return [ArithmeticData(op=op, form=task.form,
                               input_size=protocol.input_size or task.input_size,
                               **{**fields, "interpolation": interpolation,
                                  "extrapolation": extrapolation})
                for interpolation, extrapolation in pairs]

    def plan(self, unit):
        """The model `unit` as this sweep trains it: its recipe (`default_settings`), then
        the protocol's settings, then this sweep's flags."""
        form = self.arithmetic_task().form
        check_model(unit, form)
        overrides = {"steps": self.steps, "learning_rate": self.lr,
                     "batch_size": self.batch_size,
                     "identity_recurrence": not self.random_recurrence}
        protocol = get_protocol(self.protocol)
        settings = dataclasses.replace(default_settings(form, unit), **{
            **protocol.settings, **protocol.unit_settings.get(unit, {}),
            **{key: value for key, value in overrides.items() if value is not None},
        })
        if settings.depth == 1 and (unit in BASELINES or "-" in unit):
            raise UsageError(f"--units {unit}: --protocol {self.protocol} trains one "
                             "unit alone; name a single unit, e.g. nac")
        return Plan(unit, unit if settings.depth == 1 else describe(unit), settings)

    def default_name(self):
        name = f"{self.task}-{'_'.join(self.units)}-{'_'.join(self.ops)}"
        if self.protocol != "madsen":
            name += f"-{self.protocol}"
        return name + ("-random_recurrence" if self.random_recurrence else "")

    def jobs(self, plans):
        """One job per (model, op, block of seeds), carrying its data and settings."""
        seeds = list(range(self.first_seed, self.first_seed + self.seeds))
        size = self.seeds_per_job or len(seeds)
        return [Job(f"{plan.label}-{op}-seeds{block[0]}-{block[-1]}",
                    "tasks.arithmetic.sweep:train_block",
                    {"data": [dataclasses.asdict(data) for data in self.range_data(op)],
                     "unit": plan.unit, "settings": dataclasses.asdict(plan.settings),
                     "seeds": block})
                for plan in plans for op in self.ops
                for block in (seeds[i:i + size] for i in range(0, len(seeds), size))]


def train_block(data, settings, unit, seeds):
    """One job of a sweep: `unit` on the data of one op (a list: one per range pair) for a
    block of seeds, every pair and seed a copy trained at once; the per-copy results, each
    with its `range` when there are several pairs."""
    datas = [ArithmeticData(**each) for each in (data if isinstance(data, list) else [data])]
    copies = [(each, seed) for each in datas for seed in seeds]
    results = train_copies([each for each, _ in copies], ArithmeticSettings(**settings), unit,
                           [seed for _, seed in copies], quiet=True)
    if len(datas) > 1:
        for (each, _), result in zip(copies, results, strict=True):
            result["range"] = range_label(each)
    return results


def range_label(data):
    """`[1, 2] -> [2, 6]`: a range pair as tables show it."""
    def text(value):
        parts = value if isinstance(value[0], tuple) else (value,)
        return " u ".join(f"[{low:g}, {high:g}]" for low, high in parts)
    return f"{text(data.interpolation)} -> {text(data.extrapolation)}"


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
    """Run every (model, op) over the seeds as jobs on the engine; write each job's result as
    it arrives, then results.json and table.md; return (folder, rows)."""
    import keras

    plans = config.validate()
    folder = sweep_folder(config, config.name or config.default_name(), {
        **dataclasses.asdict(config), "backend": keras.backend.backend(),
        "settings": {plan.label: dataclasses.asdict(plan.settings) for plan in plans}})
    jobs = config.jobs(plans)
    if config.resume and (folder / "results.json").exists() and all(
            (folder / "jobs" / f"{job.name}.json").exists() for job in jobs):
        raise UsageError(f"--resume {folder}: this sweep has finished (results.json and "
                         "every job's result are there); nothing to resume")
    results, failures, total = run_jobs(jobs, folder / "jobs", config.engine,
                                        config.ray_address, quiet=config.quiet)
    rows, per_seed = [], {}
    for plan in plans:
        for op in config.ops:
            done = [result for job in jobs if job.arguments["unit"] == plan.unit
                    and job.arguments["data"][0]["op"] == op and job.name in results
                    for result in results[job.name]]
            if done:
                rows.append(summarize(plan.label, op, done))
                per_seed[f"{plan.label}/{op}"] = done
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
