"""How the main job's error falls with training steps: the curve behind its default.

    python -m benchmarks.steps_curve                        # 2,000 to 12,000 steps, seed 0
    python -m benchmarks.steps_curve --steps 4000,8000 --seeds 0,1

Each point is `python train.py --task mnist_sum --len 10 --steps N --seed S` with every other
flag at its default (the cosine learning-rate schedule spans the N steps, so each point is
its own run), in `--out/steps<N>-seed<S>`; finished runs are not run again. Writes the
section "Steps against error" of docs/results.md: MAE at 10, 100 and 1000 and the training
time per point.
"""

import statistics
import sys
from pathlib import Path

from benchmarks.common import markdown_table, or_fail, parse_integers, parser, train_once
from benchmarks.publish import provenance, publish


def main(argv=None):
    return or_fail(lambda: run(argv))


def run(argv):
    arguments = parser(__doc__, out="runs/steps_curve")
    arguments.add_argument("--task", default="mnist_sum")
    arguments.add_argument("--steps", default="2000,4000,8000,12000")
    arguments.add_argument("--seeds", default="0")
    arguments.add_argument("train_flags", nargs="*", help="after --: more train.py flags")
    args = arguments.parse_args(argv)
    steps = parse_integers("steps", args.steps)
    seeds = parse_integers("seeds", args.seeds, minimum=0)
    meta = provenance()
    points = []
    for count in steps:
        runs = [train_once(Path(args.out) / f"{args.task}-steps{count}-seed{seed}",
                           "--task", args.task, "--steps", str(count), "--seed", str(seed),
                           *args.train_flags) for seed in seeds]
        lengths = list(runs[0]["metrics"])
        points.append({
            "steps": count, "seeds": seeds, "digits": runs[0]["digits"],
            "mae": {length: statistics.median(run["metrics"][length]["mae"] for run in runs)
                    for length in lengths},
            "train_seconds": statistics.median(run["train_seconds"] for run in runs),
        })
    lengths = list(points[0]["mae"])
    table = markdown_table(
        ["steps", *(f"MAE @{length}" for length in lengths), "training (median)"],
        [[f"{point['steps']:,}", *(f"{value:.3g}" for value in point["mae"].values()),
          f"{point['train_seconds']:.0f} s"] for point in points],
        "r" * (len(lengths) + 2))
    print(table)
    if not args.no_publish:
        extra = f" {' '.join(args.train_flags)}" if args.train_flags else ""
        note = (f"`python train.py --task {args.task} --steps N --seed S{extra}`, the task's "
                f"defaults otherwise (digits: {points[0]['digits']}); median over seeds "
                f"{', '.join(map(str, seeds))}. Training time as measured inside each run, "
                "whatever ran beside it.")
        publish("steps_curve", f"Steps against error ({args.task})", {"points": points},
                table + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
