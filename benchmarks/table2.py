"""The NALU paper's Table 2: MNIST digit counting and summing, trained on 10, scored on 10,
100 and 1000, every recurrent core, several seeds.

    python -m benchmarks.table2                      # the whole grid (hours on 2 cores)
    python -m benchmarks.table2 --cores nac --seeds 0,1,2 --encoders layer
    python -m benchmarks.table2 --report-only        # tables and plot from the runs on disk
    python -m benchmarks.table2 --engine ray [--ray-address HOST:PORT]   # runs as Ray jobs

Each (task, core, encoder, seed) is one `train.py` run with the task's defaults and the
encoder's flags (`layer`: the project's default encoder, layer-normalised and trained on moved
images; `none`: the paper's, `--encoder-norm none --shift 0`), in its own folder under --out
(`<task>-<core>-<encoder>-seed<seed>`). A run whose results.json exists is not run again, so
the grid can be stopped and restarted; a folder left without results (a run that was stopped)
is trained again from the start. Writes `docs/results/table2.json`, the section "Table 2" of
`docs/results.md` (median and range over seeds beside the paper's figures) and
`docs/table2_error_vs_length.png`.
"""

import itertools
import json
import statistics
import sys
from pathlib import Path

from benchmarks.publish import ROOT, provenance, publish, train_once
from tasks.runs import atomic_path

TASKS = ("mnist_count", "mnist_sum")
CORES = ("lstm", "gru", "rnn", "rnn_relu", "nac", "nalu")
CORE_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN-tanh", "rnn_relu": "RNN-ReLU",
              "nac": "NAC", "nalu": "NALU"}
# Trask et al. 2018, Table 2 (MAE at 10 / 100 / 1000), as recalled in shared/reference/tasks.md
PAPER = {
    ("mnist_sum", "nac"): (1.42, 7.88, 57.3),
    ("mnist_sum", "lstm"): (14.8, 800.8, 8811.6),
    ("mnist_count", "nac"): (0.05, 0.42, 4.52),
    ("mnist_count", "lstm"): (0.79, 18.21, 198.91),
}
# encoder: (name in the table, train.py flags)
ENCODERS = {"none": ("paper's", ["--encoder-norm", "none", "--shift", "0"]),
            "layer": ("layer norm + moves", ["--encoder-norm", "layer"])}
PLOT = ROOT / "docs" / "table2_error_vs_length.png"


def job_name(task, core, encoder, seed):
    return f"{task}-{core}-{encoder}-seed{seed}"


def run_folder(out, task, core, encoder, seed):
    return Path(out) / job_name(task, core, encoder, seed)


def train_job(out, task, core, encoder, seed, digits, extra):
    """One run of the grid as a job (`tasks.jobs`), trained unless it is done: its results."""
    return train_once(run_folder(out, task, core, encoder, seed), "--task", task, "--core",
                      core, *ENCODERS[encoder][1], "--seed", str(seed), "--digits", digits,
                      *extra)


def lengths_of(results):
    """The evaluation lengths every one of the runs has, shortest first."""
    common = set.intersection(*(set(result["metrics"]) for result in results))
    return sorted(common, key=int)


def summarise(results):
    """{length: {"median", "low", "high"}} of the MAE over the runs given."""
    return {length: {"median": statistics.median(r["metrics"][length]["mae"] for r in results),
                     "low": min(r["metrics"][length]["mae"] for r in results),
                     "high": max(r["metrics"][length]["mae"] for r in results)}
            for length in lengths_of(results)}


def figure(value):
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


def markdown(rows):
    lengths = list(rows[0]["mae"])
    lines = ["| task | core | encoder | seeds | "
             + " | ".join(f"MAE @{length}" for length in lengths)
             + " | paper @10 / @100 / @1000 | train s (median) |",
             "|---|---|---|---:|" + "---:|" * len(lengths) + "---|---:|"]
    for row in rows:
        cells = [f"**{figure(row['mae'][length]['median'])}** "
                 f"({figure(row['mae'][length]['low'])}-{figure(row['mae'][length]['high'])})"
                 if len(row["seeds"]) > 1 else figure(row["mae"][length]["median"])
                 for length in lengths]
        paper = PAPER.get((row["task"], row["core"])) if row["encoder"] == "none" else None
        paper_cell = " / ".join(figure(value) for value in paper) if paper else "-"
        lines.append(f"| {row['task']} | {CORE_NAMES.get(row['core'], row['core'])} | "
                     f"{ENCODERS[row['encoder']][0]} | {len(row['seeds'])} | "
                     + " | ".join(cells)
                     + f" | {paper_cell} | {row['train_seconds']:.0f} |")
    return "\n".join(lines)


def headline(rows):
    """The README's part: every mnist_sum row, and the mnist_count rows the paper reports."""
    shown = [row for row in rows if row["task"] == "mnist_sum" or
             (row["task"], row["core"]) in PAPER]
    left = len(rows) - len(shown)
    return markdown(shown) + (f"\n\nThe other {left} rows: docs/results.md." if left else "")


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure_, panels = plt.subplots(1, 2, figsize=(11, 4.2))
    for axes, task in zip(panels, TASKS, strict=True):
        for row in (row for row in rows if row["task"] == task):
            lengths = [int(length) for length in row["mae"]]
            median = [value["median"] for value in row["mae"].values()]
            low = [value["low"] for value in row["mae"].values()]
            high = [value["high"] for value in row["mae"].values()]
            line, = axes.plot(lengths, median, marker="o" if row["encoder"] == "none" else "s",
                              linestyle="-" if row["encoder"] == "none" else "--",
                              label=f"{CORE_NAMES.get(row['core'], row['core'])} "
                                    f"({ENCODERS[row['encoder']][0]})")
            axes.fill_between(lengths, low, high, color=line.get_color(), alpha=0.15)
        axes.axvline(10, color="grey", linestyle="--", linewidth=1)
        axes.set(xscale="log", yscale="log", xlabel="sequence length (trained on 10)",
                 ylabel="MAE (median over seeds, range shaded)", title=task)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    figure_.tight_layout()
    with atomic_path(path) as partial:
        figure_.savefig(partial, dpi=110)
    plt.close(figure_)


def main(argv=None):
    from cli import ArgumentParser, fail, import_tensorflow_quietly, integers
    from errors import UsageError

    import_tensorflow_quietly()

    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--cores", default=",".join(CORES))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--encoders", default="none,layer",
                        help="encoders of the runs: none (the paper's), layer (the default)")
    parser.add_argument("--digits", default="mnist", help="digit source of every run")
    parser.add_argument("--out", default="runs/table2", help="folder of the runs")
    parser.add_argument("--engine", default="local", help="local or ray (see tasks/jobs.py)")
    parser.add_argument("--ray-address", help="HOST:PORT of a running Ray cluster")
    parser.add_argument("--cpus-per-run", default="2", help="CPUs each run asks the engine for")
    parser.add_argument("--report-only", action="store_true",
                        help="no training: tables and plot from the finished runs in --out")
    parser.add_argument("--no-publish", action="store_true",
                        help="print the table; write nothing under docs/")
    parser.add_argument("train_flags", nargs="*",
                        help="after --: more train.py flags for every run (e.g. -- --steps 50)")
    args = parser.parse_args(argv)
    try:
        tasks = [task for task in args.tasks.split(",") if task]
        unknown = [task for task in tasks if task not in TASKS]
        if unknown:
            raise UsageError(f"--tasks {args.tasks}: {unknown[0]} is not one of "
                             f"{', '.join(TASKS)}")
        from tasks.cores import core_names

        cores = [core for core in args.cores.split(",") if core]
        unknown = [core for core in cores if core not in core_names()]
        if unknown:
            raise UsageError(f"--cores {args.cores}: unknown core {unknown[0]}")
        seeds = integers("seeds", args.seeds, minimum=0)
        encoders = [encoder for encoder in args.encoders.split(",") if encoder]
        unknown = [encoder for encoder in encoders if encoder not in ENCODERS]
        if unknown or not encoders:
            raise UsageError(f"--encoders {args.encoders}: choose from "
                             f"{', '.join(ENCODERS)}")
        cpus = integers("cpus-per-run", args.cpus_per_run)[0]
        from tasks.jobs import Job, run_jobs

        finished, failures = {}, {}
        if not args.report_only:
            out = str(Path(args.out).resolve())
            jobs = [Job(job_name(task, core, encoder, seed), "benchmarks.table2:train_job",
                        {"out": out, "task": task, "core": core, "encoder": encoder,
                         "seed": seed, "digits": args.digits,
                         "extra": list(args.train_flags)}, cpus=cpus)
                    for seed in seeds for encoder in encoders for task in tasks
                    for core in cores]
            finished, failures, _ = run_jobs(jobs, Path(args.out) / "jobs", args.engine,
                                             args.ray_address)
    except UsageError as error:
        fail(error)
    for name, error in failures.items():
        print(f"run {name} failed: {error}", file=sys.stderr)
    meta = provenance()
    rows = []
    for task, encoder, core in itertools.product(tasks, encoders, cores):
        if args.report_only:
            done = [run_folder(args.out, task, core, encoder, seed) / "results.json"
                    for seed in seeds]
            results = [json.loads(path.read_text()) for path in done if path.exists()]
        else:
            results = [finished[job_name(task, core, encoder, seed)] for seed in seeds
                       if job_name(task, core, encoder, seed) in finished]
        if results:
            rows.append({"task": task, "core": core, "encoder": encoder,
                         "seeds": [result["seed"] for result in results],
                         "digits": sorted({result["digits"] for result in results}),
                         "steps": sorted({result["steps"] for result in results}),
                         "train_seconds": statistics.median(r["train_seconds"] for r in results),
                         "mae": summarise(results),
                         "per_seed": {str(result["seed"]): {
                             length: result["metrics"][length]["mae"]
                             for length in lengths_of(results)} for result in results}})
    if not rows:
        fail(f"--out {args.out}: no finished runs to report")
    table = markdown(rows)
    print(table)
    if args.no_publish:
        return 0
    plot(rows, PLOT)
    digits = sorted({source for row in rows for source in row["digits"]})
    extra = f" {' '.join(args.train_flags)}" if args.train_flags else ""
    encoder_flags = "; ".join(f"{name}: `{' '.join(flags)}`" for name, flags in ENCODERS.values())
    note = (f"Each run: `python train.py --task TASK --core CORE ENCODER --seed SEED --digits "
            f"{args.digits}{extra}`, the task's defaults otherwise, with the encoder's flags "
            f"({encoder_flags}; the default encoder has layer normalisation after each hidden "
            "layer and trains on images moved by up to 2 pixels, the paper's has neither)"
            f" (digits: {', '.join(digits)}). MAE: median over the seeds in bold, range in "
            "brackets; test sequences from test images only (1,000 per length). Paper: Trask "
            "et al. 2018, Table 2, recalled (approximate). Train s: training time inside each run "
            "(median over seeds), whatever ran beside it."
            + (" The runs were made before this report; the commit is the report's."
               if args.report_only else "") + "\n\n"
            f"![error against length](../{PLOT.relative_to(ROOT).as_posix()})")
    publish("table2", "Table 2: MNIST counting and summing", {"rows": rows},
            table + "\n\n" + note, meta, headline=headline(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
