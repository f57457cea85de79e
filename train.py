"""Train a model on a task and score it on longer sequences.

    python train.py --task mnist_sum --len 10
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly, number  # noqa: E402

import_tensorflow_quietly()


def parse(argv=None):
    from tasks import TASKS
    from tasks.config import TrainConfig, parse_lengths
    from tasks.models import core_names, head_names

    parser = ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--task", default="mnist_sum", help=f"one of {', '.join(sorted(TASKS))}")
    parser.add_argument("--len", dest="length", help="training sequence length")
    parser.add_argument("--steps", help="training steps")
    parser.add_argument("--batch-size", help="sequences per step")
    parser.add_argument("--lr", help="Adam learning rate")
    parser.add_argument("--core", help=f"recurrent core: {', '.join(core_names())}")
    parser.add_argument("--head", help=f"output head: {', '.join(head_names())}")
    parser.add_argument("--hidden", help="state size of the core")
    parser.add_argument("--random-recurrence", action="store_true",
                        help="start a unit core's state weights random, not at the identity")
    parser.add_argument("--shift", help="MNIST tasks: move each training image by a random "
                        "offset of up to this many pixels (augmentation; 0 turns it off)")
    parser.add_argument("--weight-decay", help="MNIST tasks: AdamW weight decay of the digit "
                        "encoder's weights (the core and head are never decayed; 0 turns it off)")
    parser.add_argument("--dropout", help="MNIST tasks: dropout rate on the digit encoder's "
                        "500-unit hidden layer while training (0 turns it off)")
    parser.add_argument("--test-shift", help="MNIST tasks: outside training, the encoder's "
                        "output for an image is its mean over the image moved by every offset of "
                        "up to this many pixels, (2N+1)^2 copies (0 turns it off)")
    parser.add_argument("--op", help="arithmetic operation (arith_* tasks)")
    parser.add_argument("--seed", default="0")
    parser.add_argument("--digits", default="auto", help="auto, bundled, mnist or a path")
    parser.add_argument("--eval-lengths", help="comma-separated, default per task")
    parser.add_argument("--eval-sequences", help="test sequences per length")
    parser.add_argument("--out", default="runs", help="folder that receives the run folder")
    parser.add_argument("--name", help="run folder name (default from the settings)")
    parser.add_argument("--checkpoint-every", default="0", help="steps between checkpoints")
    parser.add_argument("--resume", help="run folder of an interrupted run to continue")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    return TrainConfig(
        task=args.task, length=number("len", args.length), steps=number("steps", args.steps),
        batch_size=number("batch-size", args.batch_size), lr=number("lr", args.lr, float),
        core=args.core, head=args.head, hidden=number("hidden", args.hidden), op=args.op,
        random_recurrence=args.random_recurrence, shift=number("shift", args.shift),
        weight_decay=number("weight-decay", args.weight_decay, float),
        dropout=number("dropout", args.dropout, float),
        test_shift=number("test-shift", args.test_shift),
        seed=number("seed", args.seed), digits=args.digits,
        eval_lengths=None if args.eval_lengths is None
        else parse_lengths("eval-lengths", args.eval_lengths),
        eval_sequences=number("eval-sequences", args.eval_sequences), out=args.out,
        name=args.name, quiet=args.quiet,
        checkpoint_every=number("checkpoint-every", args.checkpoint_every), resume=args.resume,
    )


def main(argv=None):
    from data.errors import UsageError

    try:
        config = parse(argv)
        from tasks.runner import metrics_table, run

        folder, results = run(config)
    except UsageError as error:
        fail(error)
    print(metrics_table(results))
    print(f"results: {folder / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
