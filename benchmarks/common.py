"""The frame every benchmark script stands on: its parser and one-line errors, running a
training as a user runs it, summaries over seeds, and Markdown tables. A benchmark is its
experiment; what it publishes goes through `benchmarks.publish`."""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cli import ArgumentParser, import_tensorflow_quietly, or_fail, select_backend

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["ROOT", "figure", "markdown_table", "matmul_gflops", "or_fail", "parse_choices",
           "parse_integers", "parser", "saved", "spread", "spread_cell", "timed_training",
           "train_once"]


def parser(doc, out=None, report_only=False, backend=False, from_saved=False,
           tensorflow=True):
    """A benchmark's parser: one-line errors (exit 2), `--no-publish`, `--out` (when `out` is
    its default), `--report-only` and `--from-saved` (when asked). With `backend`, Keras'
    backend is chosen first (`--backend auto`: the fastest installed, as the sweeps do);
    with `tensorflow`, TensorFlow is imported quietly (a script that only starts commands
    needs neither)."""
    if backend:
        select_backend(["--backend", "auto"])
    if tensorflow:
        import_tensorflow_quietly()
    arguments = ArgumentParser(description=doc.strip().splitlines()[0])
    arguments.add_argument("--no-publish", action="store_true",
                           help="print the tables, write nothing to docs/")
    if out is not None:
        arguments.add_argument("--out", default=out, help="folder of the runs")
    if report_only:
        arguments.add_argument("--report-only", action="store_true",
                               help="no training: the tables from the runs in --out")
    if from_saved:
        arguments.add_argument("--from-saved", action="store_true", help="no runs: the "
                               "tables again from the published JSON (docs/results/)")
    return arguments


def parse_integers(flag, text, minimum=1):
    """`tasks.config.parse_integers`, imported when called: importing `tasks` imports Keras,
    which must wait until `parser` has chosen the backend."""
    from tasks.config import parse_integers as parse

    return parse(flag, text, minimum)


def finished_sweep(config, report_only=False):
    """The saved results.json of the sweep `config` names (`tasks.arithmetic.sweep`), run
    first unless its folder has finished (or `report_only`); None when there is none. A
    finished folder trained with other settings than `config` resolves now (a recipe changed
    since) is a UsageError naming it, not a result under a new commit."""
    import dataclasses

    from errors import UsageError
    from tasks.arithmetic.settings import ArithmeticSettings
    from tasks.arithmetic.sweep import run_sweep

    folder = Path(config.out) / config.name
    results, saved_config = folder / "results.json", folder / "config.json"
    if results.exists() and saved_config.exists():
        wanted = json.loads(json.dumps(
            {plan.label: dataclasses.asdict(plan.settings) for plan in config.validate()}))
        # a setting added since the folder was written counts at its default
        defaults = json.loads(json.dumps(dataclasses.asdict(ArithmeticSettings())))
        saved = json.loads(saved_config.read_text()).get("settings") or {}
        saved = {label: {**{key: defaults[key] for key in settings if key not in
                            saved.get(label, {})}, **saved.get(label, {})}
                 for label, settings in wanted.items()}
        if wanted != saved:
            raise UsageError(f"{folder}: its runs were trained with other settings than "
                             "the recipe's now; delete the folder to train them again")
    elif not report_only:
        run_sweep(config)
    return json.loads(results.read_text()) if results.exists() else None


def saved(name):
    """(provenance, payload) of the published `docs/results/<name>.json`; a UsageError
    naming `--from-saved` when it is missing."""
    from errors import UsageError

    path = ROOT / "docs" / "results" / f"{name}.json"
    if not path.exists():
        raise UsageError(f"--from-saved: {path} is missing")
    payload = json.loads(path.read_text())
    meta = {key: payload.pop(key) for key in ("command", "commit", "date", "machine")}
    return meta, payload


def timed_training(folder, *flags, backend=None):
    """`python train.py FLAGS` into `folder` (a new run), as a user runs it (under
    KERAS_BACKEND=`backend` when given): (its results.json, wall seconds including start-up)."""
    folder = Path(folder)
    environment = {**os.environ, **({"KERAS_BACKEND": backend} if backend else {})}
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "train.py"), *flags, "--out", str(folder.parent),
                    "--name", folder.name, "--quiet"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, env=environment)
    seconds = time.perf_counter() - started
    return json.loads((folder / "results.json").read_text()), seconds


def train_once(folder, *flags):
    """`timed_training` unless `folder` holds its results already; a folder without results
    (a stopped run) is trained again from the start. Returns the run's results.json."""
    folder = Path(folder)
    if (folder / "results.json").exists():
        return json.loads((folder / "results.json").read_text())
    if folder.exists():
        shutil.rmtree(folder)
    print(f"training {folder.name}", flush=True)
    return timed_training(folder, *flags)[0]


def seed_runs(out, names, seeds, report_only, flags_of):
    """Each name's runs over the seeds, in `out/<name>-seed<S>`: `train.py FLAGS --seed S`
    with `flags_of(name)` (skipped when finished; with `report_only` only the finished ones).
    {name: [results.json of each seed]} for the names with any; a UsageError naming --out
    when none has."""
    found = {}
    for name in names:
        folders = {seed: Path(out) / f"{name}-seed{seed}" for seed in seeds}
        if report_only:
            folders = {seed: folder for seed, folder in folders.items()
                       if (folder / "results.json").exists()}
        results = [train_once(folder, *flags_of(name), "--seed", str(seed))
                   for seed, folder in folders.items()]
        if results:
            found[name] = results
    if not found:
        from errors import UsageError

        raise UsageError(f"--out {out}: no finished runs to report")
    return found


def parse_choices(flag, text, choices):
    """"a,b" -> ["a", "b"], each one of `choices`; a UsageError naming `--flag` otherwise."""
    from errors import UsageError

    names = text.split(",")
    for name in names:
        if name not in choices:
            raise UsageError(f"--{flag} {text}: {name!r} is not one of {', '.join(choices)}")
    return names


def matmul_gflops(size=2048, repeats=10):
    """This machine's float32 matrix-multiply rate in GFLOP/s: NumPy `size` x `size` products
    on every core, the best of three timings of `repeats` products (the yardstick that puts
    run times of different machines side by side)."""
    import numpy as np

    matrix = np.random.default_rng(0).random((size, size), dtype=np.float32)
    matrix @ matrix
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeats):
            matrix @ matrix
        best = min(best, time.perf_counter() - started)
    return 2 * size ** 3 * repeats / best / 1e9


def spread(values):
    """{"median", "low", "high"} of some numbers (one per seed)."""
    values = list(values)
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}


def figure(value):
    """A figure for a table: three significant digits, whole numbers past 1,000."""
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


def spread_cell(stats):
    """A `spread` as a cell: the median in bold, the range in brackets."""
    if stats["low"] == stats["high"]:
        return figure(stats["median"])
    return f"**{figure(stats['median'])}** ({figure(stats['low'])}-{figure(stats['high'])})"


def markdown_table(header, rows, align=None):
    """A Markdown table of `header` (names) and `rows` (cells); `align` a string of `l`/`r`
    per column (default: the first left, the rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = "|" + "|".join("---" if side == "l" else "---:" for side in align) + "|"
    lines = ["| " + " | ".join(header) + " |", rule]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
