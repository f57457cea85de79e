"""The MNIST benchmark's bars, measured: accuracy over seeds, run time, eval throughput.

    python -m benchmarks.mnist_bars                 # all bars (train.py runs one after another; the
                                                    # 16,000-step mnist_sum runs take ~8.5 min each)
    python -m benchmarks.mnist_bars --only throughput

Prints, per task and core, the median over seeds of the MAE at every evaluation length; the
wall time of the default `python train.py --task mnist_sum --len 10` run; and the ratio of
evaluation throughput at length 1000 to the bare encoder's batch inference throughput.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]


def train(task, core, seed, out, extra=()):
    """One train.py run in a subprocess (as a user runs it); returns (results, seconds)."""
    import json

    command = [sys.executable, str(ROOT / "train.py"), "--task", task, "--core", core,
               "--seed", str(seed), "--digits", "bundled", "--out", str(out), "--quiet",
               "--name", f"{task}-{core}-{seed}", *extra]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return json.loads((Path(out) / f"{task}-{core}-{seed}" / "results.json").read_text()), seconds


def accuracy_bars(out, seeds, cores, baseline_seeds):
    rows = []
    for task in ("mnist_sum", "mnist_count"):
        for core in cores:
            core_seeds = seeds if core == cores[0] else baseline_seeds
            runs = [train(task, core, seed, out) for seed in core_seeds]
            lengths = list(runs[0][0]["metrics"])
            medians = {length: statistics.median(r["metrics"][length]["mae"] for r, _ in runs)
                       for length in lengths}
            accuracy = {length: statistics.median(r["metrics"][length]["accuracy"]
                                                  for r, _ in runs) for length in lengths}
            wall = statistics.median(seconds for _, seconds in runs)
            rows.append((task, core, medians, accuracy, wall))
            print(f"{task} core={core} seeds={len(core_seeds)} median MAE "
                  + " ".join(f"L{length}={value:.3g}" for length, value in medians.items())
                  + " | median accuracy "
                  + " ".join(f"L{length}={value:.3f}" for length, value in accuracy.items())
                  + f" | median wall {wall:.0f} s", flush=True)
    return rows


def throughput(out):
    """Evaluation at length 1000 vs the bare encoder, side by side on the same images."""
    import numpy as np

    from data.digits import load_digits
    from data.sequences import images_as_floats
    from tasks import get_task
    from tasks.config import TrainConfig
    from tasks.evaluation import score_lengths
    from tasks.mnist import build_encoder

    task = get_task("mnist_sum")
    config = TrainConfig(task="mnist_sum").resolved(task.defaults)
    model = task.make_model(config)
    digits = load_digits("bundled")
    images = images_as_floats(digits.test_images)
    # the bare encoder reads each image once: the default model's own encoder averages 9 moved
    # copies of each image (--test-shift 1), and evaluation's rate includes that cost
    encoder = build_encoder(task.encoding_size)
    encoder.predict(images, batch_size=2048, verbose=0)  # warm up both paths
    score_lengths(model, images, digits.test_labels, task, [1000], 100, 0, quiet=True)
    encoder_rates, evaluation_rates = [], []
    for _ in range(3):
        repeated = np.concatenate([images] * 20)  # 20,000 images
        started = time.perf_counter()
        encoder.predict(repeated, batch_size=2048, verbose=0)
        encoder_rates.append(len(repeated) / (time.perf_counter() - started))
        metrics = score_lengths(model, images, digits.test_labels, task, [1000], 1000, 0,
                                quiet=True)
        evaluation_rates.append(metrics["1000"]["images_per_second"])
    encoder_rate = statistics.median(encoder_rates)
    evaluation_rate = statistics.median(evaluation_rates)
    print(f"bare encoder batch inference: {encoder_rate:,.0f} images/s; evaluation at length "
          f"1000 (1000 sequences): {evaluation_rate:,.0f} images/s; ratio "
          f"{evaluation_rate / encoder_rate:.1f}x (bar: >= 0.7x)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["accuracy", "default-run", "throughput"])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--cores", default="nac,lstm", help="the first gets --seeds")
    parser.add_argument("--baseline-seeds", default="0", help="seeds of the other cores")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    with tempfile.TemporaryDirectory() as out:
        if args.only in (None, "throughput"):
            throughput(out)
        if args.only in (None, "default-run"):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "train.py"), "--task", "mnist_sum",
                            "--len", "10", "--digits", "bundled", "--out", out, "--quiet"],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            print(f"default `train.py --task mnist_sum --len 10` (bundled digits, evaluation "
                  f"at 10/100/1000 included): {time.perf_counter() - started:.0f} s "
                  "(bar: < 600 s)", flush=True)
        if args.only in (None, "accuracy"):
            baseline_seeds = [int(seed) for seed in args.baseline_seeds.split(",")]
            accuracy_bars(out, seeds, args.cores.split(","), baseline_seeds)


if __name__ == "__main__":
    main()
