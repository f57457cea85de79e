"""Peak memory of scoring one model at growing lengths, on each Keras backend.

    python -m benchmarks.evaluation_memory
    python -m benchmarks.evaluation_memory --backends tensorflow,jax,torch --lengths 1000,10000

Each (backend, length) is scored in its own process: the default mnist_sum model (untrained:
memory does not depend on the weights) scores 100 test sequences of that length with the
evaluator of evaluate.py (chunks of 1,000 steps), and the process's peak resident memory is
recorded. The chunked evaluator keeps it flat in the length. Writes the section "Evaluation
memory" of docs/results.md.
"""

import json
import os
import subprocess
import sys

from benchmarks.common import ROOT, markdown_table, or_fail, parse_choices, parse_integers, parser
from benchmarks.publish import provenance, publish
from cli import BACKENDS

CHILD = """
import json, os, resource, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
from cli import import_tensorflow_quietly
import_tensorflow_quietly()
from data.digits import load_digits
from data.sequences import images_as_floats
from tasks import get_task
from tasks.mnist.config import MnistConfig
from tasks.mnist.evaluation import score_lengths
task = get_task("mnist_sum")
model = task.make_model(MnistConfig(task="mnist_sum").resolved(task.defaults))
digits = load_digits("bundled")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
score_lengths(model, images_as_floats(digits.test_images), digits.test_labels, task,
              [int(sys.argv[1])], 100, 0, quiet=True)
print(json.dumps({"seconds": time.perf_counter() - started, "peak_mib_before": before / 1024,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(backend, length):
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "CUDA_VISIBLE_DEVICES": ""}
    output = subprocess.run([sys.executable, "-c", CHILD, str(length)], cwd=ROOT, check=True,
                            capture_output=True, text=True, env=environment).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv=None):
    return or_fail(lambda: run(argv))


def run(argv):
    arguments = parser(__doc__, tensorflow=False)
    arguments.add_argument("--backends", default=",".join(BACKENDS))
    arguments.add_argument("--lengths", default="1000,10000,100000")
    args = arguments.parse_args(argv)
    lengths = parse_integers("lengths", args.lengths)
    backends = parse_choices("backends", args.backends, BACKENDS)
    meta = provenance()
    rows = []
    for backend in backends:
        for length in lengths:
            figures = measure(backend, length)
            rows.append({"backend": backend, "length": length, **figures})
            print(f"{backend} length {length:,}: peak {figures['peak_mib']:,.0f} MiB "
                  f"({figures['peak_mib_before']:,.0f} before scoring), "
                  f"{figures['seconds']:.1f} s", flush=True)
    table = markdown_table(
        ["backend", "length", "peak memory", "peak before scoring", "scoring time"],
        [[row["backend"], f"{row['length']:,}", f"{row['peak_mib']:,.0f} MiB",
          f"{row['peak_mib_before']:,.0f} MiB", f"{row['seconds']:.1f} s"] for row in rows],
        "lrrrr")
    growth = []
    for backend in backends:
        peaks = [row["peak_mib"] for row in rows if row["backend"] == backend]
        growth.append(f"{backend} {peaks[-1] / peaks[0]:.2f}x")
    note = ("100 test sequences per length (bundled digits), chunks of 1,000 steps, one "
            "process per row. Peak memory at the longest length against the shortest: "
            + ", ".join(growth) + ".")
    print(table + "\n\n" + note)
    if not args.no_publish:
        publish("evaluation_memory", "Evaluation memory", {"rows": rows},
                table + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
