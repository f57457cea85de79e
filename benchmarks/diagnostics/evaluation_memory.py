"""Peak memory of evaluating one model at length 1,000 and at length 100,000.

    python -m benchmarks.diagnostics.evaluation_memory

Each length is scored in its own process (100 sequences, chunks of 1,000 steps) and the
process's peak resident memory is printed; chunked evaluation keeps the two close.
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import os, sys, resource, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
from data.digits import load_digits
from data.sequences import images_as_floats
from tasks import get_task
from tasks.mnist.config import MnistConfig
from tasks.mnist.evaluation import score_lengths
task = get_task("mnist_sum")
model = task.make_model(MnistConfig(task="mnist_sum").resolved(task.defaults))
digits = load_digits("bundled")
started = time.perf_counter()
metrics = score_lengths(model, images_as_floats(digits.test_images), digits.test_labels, task,
                        [{length}], 100, 0, quiet=True)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main():
    peaks = {}
    for length in (1_000, 100_000):
        started = time.perf_counter()
        output = subprocess.run([sys.executable, "-c", CHILD.format(length=length)],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        seconds, peak_kib = float(output[-2]), int(output[-1])
        peaks[length] = peak_kib / 1024
        print(f"length {length:>7,}: peak RSS {peaks[length]:,.0f} MiB, scoring "
              f"{seconds:.1f} s (process {time.perf_counter() - started:.0f} s)", flush=True)
    print(f"peak at 1e5 / peak at 1e3: {peaks[100_000] / peaks[1_000]:.2f}")


if __name__ == "__main__":
    main()
