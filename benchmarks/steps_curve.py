"""How the main job's error falls with its training work: the curve behind its defaults.

    python -m benchmarks.steps_curve                  # every point below, seed 0
    python -m benchmarks.steps_curve --points 4000x32,8000x16 --norms layer,pooled --seeds 0,1

Each point is `python train.py --task mnist_sum --len 10 --steps N --batch-size B
--encoder-norm E --seed S` with every other flag at its default (the cosine learning-rate
schedule spans the N steps, so each point is its own run), in
`--out/<task>-<E>-steps<N>-batch<B>-seed<S>`; finished runs are not run again, so a stopped
curve continues where it stopped. Writes the section "Steps against error" of
docs/results.md: for each encoder and point, the images the training reads (steps x batch x
length), the median MAE at 10, 100 and 1000 over the seeds, and the training time.
`--report-only` trains nothing: the table of the runs in `--out` that finished.
"""

import statistics
import sys
from pathlib import Path

from benchmarks.common import (
    markdown_table,
    or_fail,
    parse_choices,
    parse_integers,
    parser,
    train_once,
)
from benchmarks.publish import provenance, publish


def parse_points(text):
    """"4000x32,8000x16" -> [(4000, 32), (8000, 16)]; a UsageError naming --points."""
    from errors import UsageError

    points = []
    for item in text.split(","):
        parts = item.split("x")
        if len(parts) != 2 or not all(part.isdigit() and int(part) > 0 for part in parts):
            raise UsageError(f"--points {text}: write each point as STEPSxBATCH, e.g. 4000x32")
        points.append((int(parts[0]), int(parts[1])))
    return points


def main(argv=None):
    return or_fail(lambda: run(argv))


def run(argv):
    from tasks.mnist.model import ENCODER_NORMS

    arguments = parser(__doc__, out="runs/steps_curve", report_only=True)
    arguments.add_argument("--task", default="mnist_sum")
    arguments.add_argument("--points", default="2000x32,4000x32,8000x16,8000x32",
                           help="STEPSxBATCH, comma-separated")
    arguments.add_argument("--norms", default="layer,pooled",
                           help=f"--encoder-norm values: {', '.join(ENCODER_NORMS)}")
    arguments.add_argument("--seeds", default="0")
    args = arguments.parse_args(argv)
    points = parse_points(args.points)
    seeds = parse_integers("seeds", args.seeds, minimum=0)
    norms = parse_choices("norms", args.norms, ENCODER_NORMS)
    meta = provenance()
    rows = []
    for norm in norms:
        for steps, batch in points:
            folders = {seed: Path(args.out) / f"{args.task}-{norm}-steps{steps}-batch{batch}"
                       f"-seed{seed}" for seed in seeds}
            if args.report_only:  # the seeds whose runs finished
                folders = {seed: folder for seed, folder in folders.items()
                           if (folder / "results.json").exists()}
                if not folders:
                    continue
            runs = [train_once(folder, "--task", args.task, "--len", "10", "--steps",
                               str(steps), "--batch-size", str(batch), "--encoder-norm", norm,
                               "--seed", str(seed)) for seed, folder in folders.items()]
            rows.append({
                "encoder_norm": norm, "steps": steps, "batch_size": batch,
                "images": steps * batch * 10, "seeds": list(folders), "digits": runs[0]["digits"],
                "mae": {length: statistics.median(run["metrics"][length]["mae"] for run in runs)
                        for length in runs[0]["metrics"]},
                "train_seconds": statistics.median(run["train_seconds"] for run in runs),
            })
    if not rows:
        from errors import UsageError

        raise UsageError(f"--out {args.out}: no finished runs of these points")
    lengths = list(rows[0]["mae"])
    table = markdown_table(
        ["--encoder-norm", "steps", "batch", "images read", "seeds",
         *(f"MAE @{length}" for length in lengths), "training (median)"],
        [[row["encoder_norm"], f"{row['steps']:,}", row["batch_size"],
          f"{row['images'] / 1e6:.2f}M", ",".join(map(str, row["seeds"])),
          *(f"{value:.3g}" for value in row["mae"].values()),
          f"{row['train_seconds']:.0f} s"] for row in rows],
        "lrrrr" + "r" * (len(lengths) + 1))
    print(table)
    if not args.no_publish:
        note = (f"`python train.py --task {args.task} --len 10 --steps N --batch-size B "
                "--encoder-norm E --seed S`, the task's defaults otherwise (digits: "
                f"{rows[0]['digits']}); median over the seeds of each row. "
                "Training time as measured inside each run, whatever ran beside it (compare "
                "speeds in the training profile and the main job, which run alone).")
        if args.report_only:
            note += (" Read with --report-only: the runs were in --out already and may have "
                     "been trained at an earlier commit.")
        publish("steps_curve", f"Steps against error ({args.task})", {"points": rows},
                table + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
