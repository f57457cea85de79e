"""The main job, timed: `python train.py --task mnist_sum --len 10` with its defaults, as a
user runs it, on each Keras backend, beside this machine's own matrix-multiply rate.

    python -m benchmarks.main_job                       # run it alone on the machine
    python -m benchmarks.main_job --seeds 0,1,2         # one default run per seed
    python -m benchmarks.main_job --backends jax,torch  # and one run of the first seed on each
    python -m benchmarks.main_job --task mnist_count    # the counting task's default run

Each run is a subprocess in a temporary folder, one after another; its wall time includes
start-up, loading the digits, training and the evaluation at 10, 100 and 1000, each scored
by the MAE and the exact share (sequences whose rounded prediction is right in every output:
the paper's counting metric). Machines of one kind differ 2-3x in seconds, so the run
also measures the machine's float32 matrix-multiply rate (NumPy, 2048 x 2048, every core)
before and after the runs, and gives each wall time scaled to a 175 GFLOP/s machine and each
training rate as a share of the measured rate. Writes the section "Main job" of
docs/results.md (`main_job_<task>` for a task other than mnist_sum).
"""

import statistics
import sys
import tempfile
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

MNIST_TASKS = ("mnist_sum", "mnist_count")
REFERENCE_GFLOPS = 175  # the scale of "wall at 175 GFLOP/s": wall x measured rate / 175


def default_run(out, task, seed, backend):
    """One default run of `task` on `backend`; returns (results, wall seconds)."""
    return timed_training(Path(out) / f"{backend}-seed{seed}", "--task", task, "--len", "10",
                          "--seed", str(seed), backend=backend)


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
    arguments = parser(__doc__, from_saved=True, tensorflow=False)  # the runs first, alone
    arguments.add_argument("--seeds", default="0", help="seeds of the runs on the first backend")
    arguments.add_argument("--backends", default="tensorflow", help="comma-separated, from "
                           f"{', '.join(BACKENDS)}: the first runs every seed, the others the "
                           "first seed")
    arguments.add_argument("--task", default="mnist_sum", help=", ".join(MNIST_TASKS))
    args = arguments.parse_args(argv)
    seeds = parse_integers("seeds", args.seeds, minimum=0)
    backends = parse_choices("backends", args.backends, BACKENDS)
    parse_choices("task", args.task, MNIST_TASKS)
    if args.from_saved:
        meta, payload = saved(section(args.task))
        report(args.task, meta, payload, publish_it=not args.no_publish)
        return 0
    meta = provenance()
    gflops_before = matmul_gflops()
    print(f"float32 matmul: {gflops_before:.0f} GFLOP/s", flush=True)
    plan = [(backends[0], seed) for seed in seeds] + [(backend, seeds[0])
                                                     for backend in backends[1:]]
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for backend, seed in plan:
            results, seconds = default_run(out, args.task, seed, backend)
            metrics = results["metrics"]
            rows.append({"backend": backend, "seed": seed, "wall_seconds": seconds,
                         "digits": results["digits"], "steps": results["steps"],
                         "train_seconds": results["train_seconds"],
                         "mae": {length: metric["mae"] for length, metric in metrics.items()},
                         "exact": {length: metric["accuracy"]
                                   for length, metric in metrics.items()}})
            print(f"{backend} seed {seed}: {seconds:.0f} s wall, MAE "
                  + " / ".join(f"{value:.3g}" for value in rows[-1]["mae"].values()), flush=True)
    gflops_after = matmul_gflops()
    from cli import import_tensorflow_quietly

    import_tensorflow_quietly()
    encoder_rate, evaluation_rate, gflop_per_step = throughput(args.task)
    report(args.task, meta, {
        "runs": rows, "matmul_gflops": [gflops_before, gflops_after],
        "training_gflop_per_step": gflop_per_step, "encoder_images_per_second": encoder_rate,
        "evaluation_images_per_second": evaluation_rate}, publish_it=not args.no_publish)
    return 0


def section(task):
    return "main_job" if task == "mnist_sum" else f"main_job_{task}"


def backend_of(row):
    return row.get("backend", "tensorflow")  # runs published before the column existed


def report(task, meta, payload, publish_it=True):
    """The table of the runs (backend, wall and training time, steps/s, wall scaled to a
    175 GFLOP/s machine, MAE and exact share per length) and what it says."""
    rows = payload["runs"]
    rate = statistics.mean(payload.get("matmul_gflops") or [float("nan")])
    gflop = payload.get("training_gflop_per_step")
    lengths = list(rows[0]["mae"])
    table = markdown_table(
        ["backend", "seed", "wall", f"wall at {REFERENCE_GFLOPS} GFLOP/s", "training",
         "steps", "steps/s", *(f"MAE @{length}" for length in lengths),
         *(f"exact @{length}" for length in lengths)],
        [[backend_of(row), row["seed"], f"{row['wall_seconds']:.0f} s",
          f"{row['wall_seconds'] * rate / REFERENCE_GFLOPS:.0f} s" if rate == rate else "-",
          f"{row['train_seconds']:.0f} s", f"{row['steps']:,}",
          f"{row['steps'] / row['train_seconds']:.1f}",
          *(f"{row['mae'][length]:.3g}" for length in lengths),
          *(f"{row['exact'][length]:.1%}" if "exact" in row else "-" for length in lengths)]
         for row in rows], "ll" + "r" * (5 + 2 * len(lengths)))
    first = backend_of(rows[0])
    mine = [row for row in rows if backend_of(row) == first]
    lines = [f"`python train.py --task {task} --len 10 --seed S` with every default (digits: "
             f"{rows[0]['digits']}), under KERAS_BACKEND=B, run alone, one after another. "
             "Exact: the share of test sequences whose rounded prediction is right in every "
             "output."]
    if "matmul_gflops" in payload:
        before, after = payload["matmul_gflops"]
        lines.append(f"This machine multiplied float32 matrices at {before:.0f} GFLOP/s before "
                     f"the runs and {after:.0f} after; a wall time at {REFERENCE_GFLOPS} "
                     f"GFLOP/s is the wall time x {rate:.0f} / {REFERENCE_GFLOPS}.")
    if gflop:
        shares = ", ".join(
            f"{backend_of(row)} {gflop * row['steps'] / row['train_seconds'] / rate:.0%}"
            for row in rows if row["seed"] == rows[0]["seed"])
        lines.append(f"A training step is {gflop:.1f} GFLOP of encoder work (multiply-adds of "
                     f"its conv and dense layers, forward and backward), so training ran at "
                     f"this share of the matrix-multiply rate: {shares}.")
    if len(mine) > 1:
        medians = " / ".join(f"{statistics.median(row['mae'][length] for row in mine):.3g}"
                             for length in lengths)
        lines.append(f"Median MAE over the {first} seeds at {' / '.join(lengths)}: {medians}.")
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
