"""Score arithmetic units over many seeds.

    python sweep.py --task arith_static --op mul --units nac,nalu --seeds 100
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly, number  # noqa: E402

import_tensorflow_quietly()


def parse(argv=None):
    from data.arithmetic import OPERATIONS
    from errors import UsageError
    from tasks.sweep import SweepConfig

    parser = ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--task", default="arith_static", help="arith_static or arith_running")
    parser.add_argument("--op", default="add",
                        help=f"comma-separated from {', '.join(OPERATIONS)}, or all")
    parser.add_argument("--units", default="nac", help="comma-separated models, e.g. nac,nalu")
    parser.add_argument("--seeds", default="10", help="number of seeds")
    parser.add_argument("--first-seed", default="0")
    parser.add_argument("--steps", help="training steps per seed")
    parser.add_argument("--lr", help="initial Adam learning rate")
    parser.add_argument("--batch-size")
    parser.add_argument("--interpolation", default="1,2", help="training range low,high")
    parser.add_argument("--extrapolation", default="2,6", help="test range low,high")
    parser.add_argument("--subset-ratio", default="0.25")
    parser.add_argument("--overlap-ratio", default="0.5")
    parser.add_argument("--random-recurrence", action="store_true",
                        help="running form: start unit cells random, not at the identity")
    parser.add_argument("--out", default="sweeps")
    parser.add_argument("--name")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    def value_range(flag, text):
        parts = text.split(",")
        try:
            low, high = (float(part) for part in parts)
        except ValueError:
            raise UsageError(f"--{flag} {text}: must be low,high") from None
        return low, high

    ops = list(OPERATIONS) if args.op == "all" else [op.strip() for op in args.op.split(",")]
    return SweepConfig(
        task=args.task, ops=tuple(ops),
        units=tuple(unit.strip() for unit in args.units.split(",") if unit.strip()),
        seeds=number("seeds", args.seeds), first_seed=number("first-seed", args.first_seed),
        steps=number("steps", args.steps), lr=number("lr", args.lr, float),
        batch_size=number("batch-size", args.batch_size),
        interpolation=value_range("interpolation", args.interpolation),
        extrapolation=value_range("extrapolation", args.extrapolation),
        subset_ratio=number("subset-ratio", args.subset_ratio, float),
        overlap_ratio=number("overlap-ratio", args.overlap_ratio, float),
        random_recurrence=args.random_recurrence, out=args.out, name=args.name,
        quiet=args.quiet,
    )


def main(argv=None):
    from errors import UsageError

    try:
        config = parse(argv)
        from tasks.sweep import run_sweep

        run_sweep(config)
    except UsageError as error:
        fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
