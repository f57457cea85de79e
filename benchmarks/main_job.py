"""The main job, timed: `python train.py --task mnist_sum --len 10` with its defaults, as a
user runs it, on each Keras backend, beside this machine's own matrix-multiply rate.

    python -m benchmarks.main_job                       # run it alone on the machine
    python -m benchmarks.main_job --seeds 0,1,2         # one default run per seed
    python -m benchmarks.main_job --backends jax,torch  # and one run of the first seed on each
    python -m benchmarks.main_job --seeds 0,1,2 --backends tensorflow,jax --every-seed
    python -m benchmarks.main_job --task mnist_count    # the counting task's default run

Each run is a subprocess in `--out/<task>-<backend>-seed<S>`, one after another; a finished
run is not run again, so a stopped plan continues where it stopped (`--report-only`: the
table of the finished ones). Its wall time includes start-up, loading the digits, training
and the evaluation at 10, 100 and 1000, each scored by the MAE and the exact share
(sequences whose rounded prediction is right in every output: the paper's counting metric).
Machines of one kind differ 2-3x in seconds, so the machine's float32 matrix-multiply rate
(NumPy, 2048 x 2048, every core) is measured just before each run, and each wall time is
also given scaled to a 175 GFLOP/s machine and each training rate as a share of that rate.
The other backends' MAE is set against the range of the first backend's seeds. Writes the
section "Main job" of docs/results.md (`main_job_<task>` for a task other than mnist_sum).
"""

import json
import shutil
import statistics
import sys
import time
from pathlib import Path

from benchmarks.common import (
    markdown_table,
    matmul_gflops,
    or_fail,
    parse_choices,
    parse_integers,
    parser,
    saved,
    timed_training,
)
from benchmarks.publish import provenance, publish
from cli import BACKENDS
from errors import UsageError

MNIST_TASKS = ("mnist_sum", "mnist_count")
REFERENCE_GFLOPS = 175  # the scale of "wall at 175 GFLOP/s": wall x measured rate / 175


def training_gflop_per_step(model, images_per_step):
    """GFLOP of one training step's encoder work: 2 per multiply-add of every Conv2D and Dense
    layer on every image, three times (forward, and the two products of the backward pass)."""
    multiply_adds = 0
    for layer in model.get_layer("encode").layer.layers:
        kernel = getattr(layer, "kernel", None)
        if kernel is None:
            continue
        positions = 1
        if len(kernel.shape) == 4:  # Conv2D: every output position
            positions = layer.output.shape[1] * layer.output.shape[2]
        size = 1
        for dimension in kernel.shape:
            size *= dimension
        multiply_adds += positions * size
    return 3 * 2 * multiply_adds * images_per_step / 1e9


def throughput(task_name, repeats=3):
    """(bare encoder images/s, evaluation images/s at length 1000 on the test images,
    GFLOP of a default training step)."""
    import numpy as np

    from data.sequences import images_as_floats
    from tasks import get_task
    from tasks.mnist.config import MnistConfig
    from tasks.mnist.evaluation import score_lengths
    from tasks.mnist.model import build_encoder

    task = get_task(task_name)
    config = MnistConfig(task=task_name).resolved(task.defaults)
    model = task.make_model(config)
    digits = task.load_digits(config)
    images = images_as_floats(digits.test_images)
    encoder = build_encoder(task.encoding_size, norm=config.encoder_norm)  # each image once
    repeated = np.concatenate([images] * 2)
    encoder.predict(images[:2048], batch_size=2048, verbose=0)
    score_lengths(model, images, digits.test_labels, task, [1000], 100, 0, quiet=True)
    encoder_rates, evaluation_rates = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        encoder.predict(repeated, batch_size=2048, verbose=0)
        encoder_rates.append(len(repeated) / (time.perf_counter() - started))
        metrics = score_lengths(model, images, digits.test_labels, task, [1000], 1000, 0,
                                quiet=True)
        evaluation_rates.append(metrics["1000"]["images_per_second"])
    gflop = training_gflop_per_step(model, config.batch_size * config.length)
    return statistics.median(encoder_rates), statistics.median(evaluation_rates), gflop


def main(argv=None):
    return or_fail(lambda: run(argv))


def run(argv):
    arguments = parser(__doc__, out="runs/main_job", report_only=True, from_saved=True,
                       tensorflow=False)  # the runs first, alone
    arguments.add_argument("--seeds", default="0", help="seeds of the runs on the first backend")
    arguments.add_argument("--backends", default="tensorflow", help="comma-separated, from "
                           f"{', '.join(BACKENDS)}: the first runs every seed, the others the "
                           "first seed")
    arguments.add_argument("--every-seed", action="store_true",
                           help="run every seed on every backend")
    arguments.add_argument("--task", default="mnist_sum", help=", ".join(MNIST_TASKS))
    arguments.add_argument("--beside", default="", help="BACKEND:SEED,...: finished runs "
                           "that had other work beside them; their timing is marked so "
                           "(their scores stand: a run's training does not depend on timing)")
    args = arguments.parse_args(argv)
    seeds = parse_integers("seeds", args.seeds, minimum=0)
    backends = parse_choices("backends", args.backends, BACKENDS)
    parse_choices("task", args.task, MNIST_TASKS)
    for backend, seed in parse_beside(args.beside):
        mark_beside(Path(args.out) / f"{args.task}-{backend}-seed{seed}")
    if args.from_saved:
        meta, payload = saved(section(args.task))
        report(args.task, meta, payload, publish_it=not args.no_publish)
        return 0
    meta = provenance()
    # the first backend's seeds, then the others seed by seed, so a stopped plan is balanced
    others = seeds if args.every_seed else seeds[:1]
    plan = [(backends[0], seed) for seed in seeds] + [
        (backend, seed) for seed in others for backend in backends[1:]]
    rows = []
    for backend, seed in plan:
        row = timed_run(Path(args.out) / f"{args.task}-{backend}-seed{seed}", args.task, seed,
                        backend, train=not args.report_only)
        if row is not None:
            rows.append(row)
    if not rows:
        raise UsageError(f"--out {args.out}: no finished run of this plan to report")
    from cli import import_tensorflow_quietly

    import_tensorflow_quietly()
    encoder_rate, evaluation_rate, gflop_per_step = throughput(args.task)
    report(args.task, meta, {
        "runs": rows, "training_gflop_per_step": gflop_per_step,
        "encoder_images_per_second": encoder_rate,
        "evaluation_images_per_second": evaluation_rate}, publish_it=not args.no_publish)
    return 0


def parse_beside(text):
    """"torch:1,jax:1" -> [("torch", 1), ("jax", 1)]; a UsageError naming --beside else."""
    pairs = []
    for item in filter(None, text.split(",")):
        backend, _, seed = item.partition(":")
        if backend not in BACKENDS or not seed.isdigit():
            raise UsageError(f"--beside {text}: {item!r} is not BACKEND:SEED with a backend "
                             f"of {', '.join(BACKENDS)}")
        pairs.append((backend, int(seed)))
    return pairs


def mark_beside(folder):
    """Record in a finished run's timing.json that it did not run alone."""
    timing = folder / "timing.json"
    if not timing.exists():
        raise UsageError(f"--beside: {folder} has no finished run to mark")
    from tasks.runs import write_json

    write_json(timing, {**json.loads(timing.read_text()), "alone": False})


def timed_run(folder, task, seed, backend, train=True):
    """The row of one default run in `folder`: run now (the machine's matmul rate measured
    just before it) unless the folder finished already, or None when it has not and `train`
    is off. A folder without its timing (a stopped run) is run again from the start."""
    timing = folder / "timing.json"
    if not timing.exists():
        if not train:
            return None
        if folder.exists():
            shutil.rmtree(folder)
        gflops = matmul_gflops()
        print(f"{folder.name}: float32 matmul {gflops:.0f} GFLOP/s", flush=True)
        from tasks.runs import write_json

        results, seconds = timed_training(folder / "run", "--task", task, "--len", "10",
                                          "--seed", str(seed), backend=backend)
        write_json(timing, {"wall_seconds": seconds, "matmul_gflops": gflops})
    results = json.loads((folder / "run" / "results.json").read_text())
    times = json.loads(timing.read_text())
    metrics = results["metrics"]
    row = {"backend": backend, "seed": seed, "wall_seconds": times["wall_seconds"],
           "matmul_gflops": times["matmul_gflops"], "digits": results["digits"],
           "alone": times.get("alone", True),
           "steps": results["steps"], "train_seconds": results["train_seconds"],
           "mae": {length: metric["mae"] for length, metric in metrics.items()},
           "exact": {length: metric["accuracy"] for length, metric in metrics.items()}}
    print(f"{backend} seed {seed}: {row['wall_seconds']:.0f} s wall, MAE "
          + " / ".join(f"{value:.3g}" for value in row["mae"].values()), flush=True)
    return row


def section(task):
    return "main_job" if task == "mnist_sum" else f"main_job_{task}"


def backend_of(row):
    return row.get("backend", "tensorflow")  # runs published before the column existed


def scaled(row):
    """A run's wall seconds on a machine that multiplies float32 matrices at 175 GFLOP/s."""
    return row["wall_seconds"] * row["matmul_gflops"] / REFERENCE_GFLOPS


def against_range(rows, first, lengths):
    """A line per other backend: where its runs' MAE lies against the range of `first`'s
    seeds at each length (inside, or above / below it)."""
    lines = []
    for backend in dict.fromkeys(backend_of(row) for row in rows):
        if backend == first:
            continue
        places = []
        for length in lengths:
            low = min(row["mae"][length] for row in rows if backend_of(row) == first)
            high = max(row["mae"][length] for row in rows if backend_of(row) == first)
            values = [row["mae"][length] for row in rows if backend_of(row) == backend]
            where = ("inside" if all(low <= value <= high for value in values) else
                     "above" if all(value > high for value in values) else
                     "below" if all(value < low for value in values) else "partly inside")
            places.append(f"@{length} {where} ({low:.3g}-{high:.3g})")
        theirs = [row for row in rows if backend_of(row) == backend]
        medians = " / ".join(f"{statistics.median(row['mae'][length] for row in theirs):.3g}"
                             for length in lengths)
        lines.append(f"MAE of the {backend} runs against the range of the {first} seeds: "
                     + ", ".join(places) + f"; their median ({len(theirs)} seeds): {medians}.")
    return lines


def report(task, meta, payload, publish_it=True):
    """The table of the runs (backend, wall and training time, steps/s, wall scaled to a
    175 GFLOP/s machine, MAE and exact share per length) and what it says."""
    rows = payload["runs"]
    # runs published before each had its own rate share the one measured around them all
    shared = statistics.mean(payload.get("matmul_gflops") or [float("nan")])
    for row in rows:
        row.setdefault("matmul_gflops", shared)
    gflop = payload.get("training_gflop_per_step")
    lengths = list(rows[0]["mae"])
    table = markdown_table(
        ["backend", "seed", "wall", "matmul rate", f"wall at {REFERENCE_GFLOPS} GFLOP/s",
         "training", "steps", "steps/s", *(f"MAE @{length}" for length in lengths),
         *(f"exact @{length}" for length in lengths)],
        [[backend_of(row), row["seed"],
          f"{row['wall_seconds']:.0f} s" + ("" if row.get("alone", True) else " *"),
          f"{row['matmul_gflops']:.0f} GFLOP/s",
          f"{scaled(row):.0f} s", f"{row['train_seconds']:.0f} s", f"{row['steps']:,}",
          f"{row['steps'] / row['train_seconds']:.1f}",
          *(f"{row['mae'][length]:.3g}" for length in lengths),
          *(f"{row['exact'][length]:.1%}" if "exact" in row else "-" for length in lengths)]
         for row in rows], "ll" + "r" * (6 + 2 * len(lengths)))
    first = backend_of(rows[0])
    mine = [row for row in rows if backend_of(row) == first]
    lines = [f"`python train.py --task {task} --len 10 --seed S` with every default (digits: "
             f"{rows[0]['digits']}), under KERAS_BACKEND=B, run alone, one after another "
             "(* beside a wall time: other work ran beside that run, so its times are not "
             "comparable; its scores are). Exact: the share of test sequences whose rounded "
             "prediction is right in every output."]
    lines.append(f"Matmul rate: the machine's float32 matrix-multiply rate, measured before "
                 f"the run; the wall time at {REFERENCE_GFLOPS} GFLOP/s is the wall time x "
                 f"that rate / {REFERENCE_GFLOPS}.")
    if gflop:
        shares = ", ".join(
            f"{backend_of(row)} "
            f"{gflop * row['steps'] / row['train_seconds'] / row['matmul_gflops']:.0%}"
            for row in rows if row["seed"] == rows[0]["seed"] and row.get("alone", True))
        lines.append(f"A training step is {gflop:.1f} GFLOP of encoder work (multiply-adds of "
                     f"its conv and dense layers, forward and backward), so training ran at "
                     f"this share of the matrix-multiply rate: {shares}.")
    if len(mine) > 1:
        medians = " / ".join(f"{statistics.median(row['mae'][length] for row in mine):.3g}"
                             for length in lengths)
        lines.append(f"Median MAE over the {first} seeds at {' / '.join(lengths)}: {medians}.")
        lines.append(f"Median wall time over the {first} seeds, at {REFERENCE_GFLOPS} "
                     f"GFLOP/s: {statistics.median(scaled(row) for row in mine):.0f} s.")
        lines.extend(against_range(rows, first, lengths))
    lines.append(f"Evaluation at length 1000 ran at {payload['evaluation_images_per_second']:,.0f}"
                 f" images/s against {payload['encoder_images_per_second']:,.0f} images/s of "
                 "the bare encoder reading each image once.")
    print(table)
    note = "\n\n".join(lines)
    print(note)
    if publish_it:
        publish(section(task), f"Main job: the default {task} run", payload,
                table + "\n\n" + note, meta, headline=table)


if __name__ == "__main__":
    sys.exit(main())
