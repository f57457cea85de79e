"""The arithmetic benchmark's bars, measured with the sweep command's own code.

    python -m benchmarks.arithmetic_bars [--only NAME ...] [--out sweeps/bench]

Each part prints its Markdown table (success rate, 95% Wilson interval, median solved-at,
mean sparsity error) and its wall time. Parts:
  static20    NAC add/sub, 20 seeds                                 (bar: NAC >= 95%)
  nalu20      NALU on all six ops, 20 seeds                         (reported)
  running20   running add, NAC, 20 seeds, length 10->1000           (bar: NAC >= 90%)
  lstm20      the same with the LSTM baseline                        (reported)
  running20random  the same NAC, started from a random (not identity) recurrence
  static100   NAC add, 100 seeds                                     (bar: < 5 minutes)
  units20     NAU add/sub, NMU mul, 20 seeds                         (bars: >= 95%, >= 90%)
  div20       NPU and RealNPU div, 20 seeds                          (reported)
  units100    NAU add and NMU mul, 100 seeds                         (bar: < 15 minutes)
  compare     every unit on every static op, 10 seeds (the README's comparison table)
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PARTS = {
    "static20": [("arith_static", ["nac"], ["add", "sub"], 20)],
    "nalu20": [("arith_static", ["nalu"], ["add", "sub", "mul", "div", "square", "sqrt"], 20)],
    "running20": [("arith_running", ["nac"], ["add"], 20)],
    "lstm20": [("arith_running", ["lstm"], ["add"], 20)],
    "running20random": [("arith_running", ["nac"], ["add"], 20, True)],
    "static100": [("arith_static", ["nac"], ["add"], 100)],
    "units20": [("arith_static", ["nau"], ["add", "sub"], 20),
                ("arith_static", ["nmu"], ["mul"], 20)],
    "div20": [("arith_static", ["npu", "realnpu"], ["div"], 20)],
    "units100": [("arith_static", ["nau"], ["add"], 100),
                 ("arith_static", ["nmu"], ["mul"], 100)],
    "compare": [("arith_static", ["nac", "nalu", "nau", "nmu", "inalu", "npu", "realnpu"],
                 ["add", "sub", "mul", "div", "square", "sqrt"], 10)],
}


def main():
    from benchmarks.common import parser
    from benchmarks.publish import provenance, publish

    arguments = parser(__doc__, out="sweeps/bench", backend=True)
    arguments.add_argument("--only", nargs="*", choices=list(PARTS))
    args = arguments.parse_args()
    from tasks.arithmetic.summary import markdown_table  # Keras: after the backend choice
    from tasks.arithmetic.sweep import SweepConfig, run_sweep
    for part in args.only or list(PARTS):
        meta = provenance()
        started = time.perf_counter()
        rows = []
        for task, units, ops, seeds, *random_recurrence in PARTS[part]:
            config = SweepConfig(task=task, units=tuple(units), ops=tuple(ops), seeds=seeds,
                                 random_recurrence=bool(random_recurrence), out=args.out,
                                 name=part, quiet=True)
            rows += run_sweep(config)[1]
        seconds = time.perf_counter() - started
        print(f"== {part}: {seconds:.0f} s wall", flush=True)
        if not args.no_publish:
            tasks = sorted({entry[0] for entry in PARTS[part]})
            note = (f"Task {', '.join(tasks)}, default ranges and recipes "
                    f"(`tasks/arithmetic/units.py`); the part took {seconds:.0f} s wall.")
            publish(f"arithmetic_{part}", f"Arithmetic: {part}", {"rows": rows,
                    "seconds": seconds}, markdown_table(rows) + "\n\n" + note, meta,
                    headline=markdown_table(rows))


if __name__ == "__main__":
    main()
