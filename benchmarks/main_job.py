"""The main job, timed: `python train.py --task mnist_sum --len 10` with its defaults, as a
user runs it, and the evaluator's throughput against the bare encoder.

    python -m benchmarks.main_job                 # run it alone on the machine
    python -m benchmarks.main_job --seeds 0,1,2   # one default run per seed, one at a time
    python -m benchmarks.main_job --task mnist_count   # the counting task's default run

Each run is a subprocess in a temporary folder; its wall time includes start-up, loading
the digits, training and the evaluation at 10, 100 and 1000, each scored by the MAE and the
exact share (sequences whose rounded prediction is right in every output: the paper's
counting metric). Writes the section "Main job" of docs/results.md (`main_job_<task>` for a
task other than mnist_sum).
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    markdown_table,
    or_fail,
    parse_integers,
    parser,
    saved,
    timed_training,
)
from benchmarks.publish import provenance, publish

MNIST_TASKS = ("mnist_sum", "mnist_count")


def default_run(out, task, seed):
    """One default run of `task`; returns (results, wall seconds)."""
    return timed_training(Path(out) / f"seed{seed}", "--task", task, "--len", "10",
                          "--seed", str(seed))


def throughput(task_name, repeats=3):
    """(bare encoder images/s, evaluation images/s at length 1000) on the test images."""
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
    return statistics.median(encoder_rates), statistics.median(evaluation_rates)


def main(argv=None):
    return or_fail(lambda: run(argv))


def run(argv):
    arguments = parser(__doc__, from_saved=True, tensorflow=False)  # the runs first, alone
    arguments.add_argument("--seeds", default="0")
    arguments.add_argument("--task", default="mnist_sum", help=", ".join(MNIST_TASKS))
    args = arguments.parse_args(argv)
    seeds = parse_integers("seeds", args.seeds, minimum=0)
    if args.task not in MNIST_TASKS:
        from errors import UsageError

        raise UsageError(f"--task {args.task}: choose from {', '.join(MNIST_TASKS)}")
    if args.from_saved:
        meta, payload = saved(section(args.task))
        report(args.task, meta, payload["runs"], payload["encoder_images_per_second"],
               payload["evaluation_images_per_second"], publish_it=not args.no_publish)
        return 0
    meta = provenance()
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for seed in seeds:
            results, seconds = default_run(out, args.task, seed)
            metrics = results["metrics"]
            rows.append({"seed": seed, "wall_seconds": seconds, "digits": results["digits"],
                         "steps": results["steps"], "train_seconds": results["train_seconds"],
                         "mae": {length: metric["mae"] for length, metric in metrics.items()},
                         "exact": {length: metric["accuracy"]
                                   for length, metric in metrics.items()}})
            print(f"seed {seed}: {seconds:.0f} s wall, MAE "
                  + " / ".join(f"{value:.3g}" for value in rows[-1]["mae"].values()), flush=True)
    from cli import import_tensorflow_quietly

    import_tensorflow_quietly()
    encoder_rate, evaluation_rate = throughput(args.task)
    report(args.task, meta, rows, encoder_rate, evaluation_rate, publish_it=not args.no_publish)
    return 0


def section(task):
    return "main_job" if task == "mnist_sum" else f"main_job_{task}"


def report(task, meta, rows, encoder_rate, evaluation_rate, publish_it=True):
    """The table of the runs (wall and training time, MAE and exact share per length)."""
    lengths = list(rows[0]["mae"])
    exact = lengths if any("exact" in row for row in rows) else []  # where runs record it
    table = markdown_table(
        ["seed", "wall (whole run)", "training", "steps",
         *(f"MAE @{length}" for length in lengths), *(f"exact @{length}" for length in exact)],
        [[row["seed"], f"{row['wall_seconds']:.0f} s", f"{row['train_seconds']:.0f} s",
          f"{row['steps']:,}", *(f"{row['mae'][length]:.3g}" for length in lengths),
          *(f"{row['exact'][length]:.1%}" if "exact" in row else "-" for length in exact)]
         for row in rows], "r" * (4 + len(lengths) + len(exact)))
    print(table)
    note = (f"`python train.py --task {task} --len 10 --seed S` with every default (digits: "
            f"{rows[0]['digits']}), run alone, one after another. Exact: the share of test "
            "sequences whose rounded prediction is right in every output. Evaluation at length "
            f"1000 ran at {evaluation_rate:,.0f} images/s against {encoder_rate:,.0f} images/s "
            "of the bare encoder reading each image once "
            f"({evaluation_rate / encoder_rate:.1f}x).")
    if publish_it:
        publish(section(task), f"Main job: the default {task} run", {
            "runs": rows, "encoder_images_per_second": encoder_rate,
            "evaluation_images_per_second": evaluation_rate}, table + "\n\n" + note, meta,
            headline=table)


if __name__ == "__main__":
    sys.exit(main())
