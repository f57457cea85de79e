"""Score a saved run at any sequence lengths, adding them to its results.json.

    python evaluate.py runs/<run> --lengths 10,100,1000,10000
    python evaluate.py runs/<words run> --words "seven hundred and twenty five"

A length the run already has a score for keeps it (a words run, its splits' figures);
`--replace` scores again and writes the new figures over the saved ones. What a run's task
does here is its `rescore` (`tasks.registry.Task`).
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()


def main(argv=None):
    from errors import UsageError

    parser = ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("run", help="run folder written by train.py")
    parser.add_argument("--lengths", default="10,100,1000", help="comma-separated lengths")
    parser.add_argument("--sequences", help="test sequences per length (default: the run's)")
    parser.add_argument("--task", help="refuse the run unless it is of this task")
    parser.add_argument("--chunk", default="1000", help="time steps per chunk")
    parser.add_argument("--words", help="words_to_number runs: the prediction after each "
                        "token of these words")
    parser.add_argument("--replace", action="store_true", help="score lengths (or splits) "
                        "that results.json already holds again and write over them")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        from tasks.config import parse_integer, parse_integers
        from tasks.registry import Rescoring
        from tasks.saved_runs import open_run

        request = Rescoring(
            lengths=parse_integers("lengths", args.lengths),
            sequences=parse_integer("sequences", args.sequences) if args.sequences else None,
            chunk=parse_integer("chunk", args.chunk), words=args.words, replace=args.replace,
            quiet=args.quiet)
        run = open_run(args.run)
        if args.task and args.task != run.config.task:
            raise UsageError(
                f"--task {args.task}: the run {args.run} is of task {run.config.task}"
            )
        run.task.rescore(run, request)
    except UsageError as error:
        fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
