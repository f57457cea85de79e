"""The NALU paper's Table 2: MNIST digit counting and summing, trained on 10, scored on 10,
100 and 1000, every recurrent core, several seeds.

    python -m benchmarks.table2                      # the whole grid (hours on 2 cores)
    python -m benchmarks.table2 --cores nac --seeds 0,1,2 --encoders layer
    python -m benchmarks.table2 --report-only        # tables and plot from the runs on disk
    python -m benchmarks.table2 --engine ray [--ray-address HOST:PORT]   # runs as Ray jobs

Each (task, core, encoder, seed) is one `train.py` run with the task's defaults and the
encoder's flags (`layer`: layer-normalised after every hidden layer and trained on moved
images, `mnist_count`'s default; `none`: the paper's, `--encoder-norm none --shift 0`), in
its own folder under --out (`<task>-<core>-<encoder>-seed<seed>`). A run whose results.json
exists is not run again, so the grid can be stopped and restarted; a folder left without
results (a run that was stopped) is trained again from the start. Writes
`docs/results/table2.json`, the section "Table 2" of `docs/results.md` (median and range
over seeds; the paper's figures that a source confirms) and
`docs/table2_error_vs_length.png`. `--report-only` builds them from the finished runs in
--out; `--from-saved` from the rows saved in `docs/results/table2.json`, with their
provenance.
"""

import itertools
import json
import statistics
import sys
from pathlib import Path

from benchmarks import common
from benchmarks.common import ROOT, spread_cell
from benchmarks.publish import provenance, publish
from errors import UsageError
from tasks.figures import pyplot, save_figure

TASKS = ("mnist_count", "mnist_sum")
CORES = ("lstm", "gru", "rnn", "rnn_relu", "nac", "nalu")
CORE_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN-tanh", "rnn_relu": "RNN-ReLU",
              "nac": "NAC", "nalu": "NALU"}
# Trask et al. 2018, Table 2: only the figures that a published source quotes (Jacovi et al.
# 2019); the paper's other figures are not verified and are not shown.
PAPER = ("Trask et al. 2018, Table 2: addition MAE 1.42 at length 10 and 7.88 at length 100 "
         "for its best model, as quoted by Jacovi et al. 2019 (arXiv 1901.03995); the paper "
         "scores counting by the share of sequences counted exactly, not by MAE. Its other "
         "figures are not verified here and are left out.")
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
    return common.train_once(run_folder(out, task, core, encoder, seed), "--task", task, "--core",
                      core, *ENCODERS[encoder][1], "--seed", str(seed), "--digits", digits,
                      *extra)


def lengths_of(results):
    """The evaluation lengths every one of the runs has, shortest first."""
    common = set.intersection(*(set(result["metrics"]) for result in results))
    return sorted(common, key=int)


def summarise(results, metric="mae"):
    """{length: spread of `metric` over the runs} (lengths that every run has the metric of)."""
    lengths = [length for length in lengths_of(results)
               if all(metric in result["metrics"][length] for result in results)]
    return {length: common.spread(result["metrics"][length][metric] for result in results)
            for length in lengths}


def markdown(rows):
    """MAE and, where the runs record it, the share of sequences exactly right per length;
    median and range over seeds."""
    lengths = list(rows[0]["mae"])
    exact = [length for length in lengths if any(length in row.get("exact", {}) for row in rows)]
    header = ["task", "core", "encoder", "seeds", *(f"MAE @{length}" for length in lengths),
              *(f"exact @{length}" for length in exact), "train s (median)"]
    body = [[row["task"], CORE_NAMES.get(row["core"], row["core"]), ENCODERS[row["encoder"]][0],
             len(row["seeds"]), *(spread_cell(row["mae"][length]) for length in lengths),
             *(spread_cell(row["exact"][length]) if length in row.get("exact", {}) else "-"
               for length in exact), f"{row['train_seconds']:.0f}"] for row in rows]
    return common.markdown_table(header, body, "lll" + "r" * (len(header) - 3))


def headline(rows):
    """The README's part: the NAC and LSTM rows, and the paper's confirmed figures."""
    shown = [row for row in rows if row["core"] in ("nac", "lstm")]
    left = len(rows) - len(shown)
    return (markdown(shown) + f"\n\n{PAPER}"
            + (f" The other {left} rows: docs/results.md." if left else ""))


def plot(rows, path):
    plt = pyplot()

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
    save_figure(figure_, path, dpi=110)


def main(argv=None):
    return common.or_fail(lambda: run(argv))


def grid_flags(args):
    """(tasks, cores, seeds, encoders, CPUs per run) of the flags, each checked."""
    from tasks.cores import core_names

    tasks = [task for task in args.tasks.split(",") if task]
    unknown = [task for task in tasks if task not in TASKS]
    if unknown or not tasks:
        raise UsageError(f"--tasks {args.tasks}: choose from {', '.join(TASKS)}")
    cores = [core for core in args.cores.split(",") if core]
    unknown = [core for core in cores if core not in core_names()]
    if unknown or not cores:
        raise UsageError(f"--cores {args.cores}: unknown core {(unknown or [''])[0]}")
    encoders = [encoder for encoder in args.encoders.split(",") if encoder]
    unknown = [encoder for encoder in encoders if encoder not in ENCODERS]
    if unknown or not encoders:
        raise UsageError(f"--encoders {args.encoders}: choose from {', '.join(ENCODERS)}")
    return (tasks, cores, common.parse_integers("seeds", args.seeds, minimum=0), encoders,
            common.parse_integers("cpus-per-run", args.cpus_per_run)[0])


def row_of(task, core, encoder, results):
    return {"task": task, "core": core, "encoder": encoder,
            "seeds": [result["seed"] for result in results],
            "digits": sorted({result["digits"] for result in results}),
            "steps": sorted({result["steps"] for result in results}),
            "train_seconds": statistics.median(r["train_seconds"] for r in results),
            "mae": summarise(results), "exact": summarise(results, "accuracy"),
            "per_seed": {str(result["seed"]): {length: result["metrics"][length]["mae"]
                                               for length in lengths_of(results)}
                         for result in results}}


def run(argv):
    arguments = common.parser(__doc__, out="runs/table2", report_only=True, from_saved=True)
    arguments.add_argument("--tasks", default=",".join(TASKS))
    arguments.add_argument("--cores", default=",".join(CORES))
    arguments.add_argument("--seeds", default="0,1,2")
    arguments.add_argument("--encoders", default="none,layer",
                           help="encoders of the runs: none (the paper's), layer (layer "
                           "norm + moves)")
    arguments.add_argument("--digits", default="mnist", help="digit source of every run")
    arguments.add_argument("--engine", default="local", help="local or ray (tasks/jobs.py)")
    arguments.add_argument("--ray-address", help="HOST:PORT of a running Ray cluster")
    arguments.add_argument("--cpus-per-run", default="2", help="CPUs each run asks for")
    arguments.add_argument("train_flags", nargs="*", help="after --: more train.py flags "
                           "for every run (e.g. -- --steps 50)")
    args = arguments.parse_args(argv)
    tasks, cores, seeds, encoders, cpus = grid_flags(args)
    from tasks.jobs import Job, run_jobs

    finished, failures = {}, {}
    if args.from_saved:
        meta, payload = common.saved("table2")
        return report(args, meta, payload["rows"])
    if not args.report_only:
        out = str(Path(args.out).resolve())
        jobs = [Job(job_name(task, core, encoder, seed), "benchmarks.table2:train_job",
                    {"out": out, "task": task, "core": core, "encoder": encoder,
                     "seed": seed, "digits": args.digits,
                     "extra": list(args.train_flags)}, cpus=cpus)
                for seed in seeds for encoder in encoders for task in tasks for core in cores]
        finished, failures, _ = run_jobs(jobs, Path(args.out) / "jobs", args.engine,
                                         args.ray_address)
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
            rows.append(row_of(task, core, encoder, results))
    if not rows:
        raise UsageError(f"--out {args.out}: no finished runs to report")
    return report(args, meta, rows, made_before=args.report_only)


def report(args, meta, rows, made_before=False):
    """Print the table; unless --no-publish, the plot and the sections in docs/ and README."""
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
            f"({encoder_flags}; layer norm + moves normalises after each hidden layer and "
            "trains on images moved by up to 2 pixels, the paper's encoder has neither; "
            "mnist_sum's default leaves out the normalisation after conv1)"
            f" (digits: {', '.join(digits)}). MAE, and (where the runs record it) exact: the "
            "share of test sequences whose rounded prediction is right in every output (the "
            "paper's counting metric); median over the seeds in bold, range in brackets; test "
            "sequences from test images only (1,000 per length). Train s: "
            "training time inside each run (median over seeds), whatever ran beside it. "
            + PAPER
            + (" The runs were made before this report; the commit is the report's."
               if made_before else "") + "\n\n"
            f"![error against length](../{PLOT.relative_to(ROOT).as_posix()})")
    publish("table2", "Table 2: MNIST counting and summing", {"rows": rows},
            table + "\n\n" + note, meta, headline=headline(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
