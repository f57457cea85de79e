"""Score a saved run at any sequence lengths, adding them to its results.json.

    python evaluate.py runs/<run> --lengths 10,100,1000,10000
    python evaluate.py runs/<words run> --words "seven hundred and twenty five"

A length the run already has a score for keeps it; `--replace` scores it again and writes
the new figures over the saved ones (as does rescoring a words run).
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
        from tasks.config import check_positive_int, parse_lengths
        from tasks.runs import write_json
        from tasks.saved_runs import open_run

        lengths = parse_lengths("lengths", args.lengths)
        chunk = check_positive_int("chunk", args.chunk)
        run = open_run(args.run)
        if args.task and args.task != run.config.task:
            raise UsageError(
                f"--task {args.task}: the run {args.run} is of task {run.config.task}"
            )
        if hasattr(run.task, "predict_words"):
            return words_run(run, args.words, args.replace)
        if args.words is not None:
            raise UsageError(f"--words {args.words!r}: the run {args.run} is of task "
                             f"{run.config.task}, not words_to_number")
        if not hasattr(run.task, "encoding_size"):
            raise UsageError(f"run {args.run}: task {run.config.task} has no sequence model "
                             "to evaluate (evaluate.py scores the MNIST tasks)")
        sequences = (check_positive_int("sequences", args.sequences) if args.sequences
                     else run.config.eval_sequences or 1000)
        model = run.load_model()
        saved = run.results.get("metrics", {})
        new = [length for length in lengths if args.replace or str(length) not in saved]
        metrics = evaluate_run(run, model, new, sequences, chunk, args.quiet) if new else {}
    except UsageError as error:
        fail(error)
    kept = {str(length): saved[str(length)] for length in lengths if str(length) not in metrics}
    if kept:
        print(f"lengths {','.join(kept)}: kept as saved (--replace to score them again)")
    if metrics:  # nothing new: results.json is left as it was
        results = dict(run.results)
        results["metrics"] = dict(sorted({**saved, **metrics}.items(),
                                         key=lambda item: int(item[0])))
        write_json(run.folder / "results.json", results)
    from tasks.runner import metrics_table

    print(metrics_table({"metrics": {**kept, **metrics}}))
    print(f"results: {run.folder / 'results.json'}")
    return 0


def words_run(run, text, replace):
    """A words_to_number run: the prediction after each token of `text`, or (without text)
    every split scored again, written to results.json when it has none or with `replace`."""
    from tasks.runner import metrics_table
    from tasks.runs import write_json
    from tasks.words import SPLITS

    if text is not None:
        largest = SPLITS[run.config.split][0]
        run.task.predict_words(None, text, largest)  # bad words fail before the model loads
        for token, value in run.task.predict_words(run.load_model(), text, largest):
            print(f"{token:>10}  {value:,.2f}")
        return 0
    model = run.load_model()
    splits = run.task.load_inputs(run.config)
    metrics = {name: run.task.score(model, numbers) for name, numbers in splits.items()}
    print(metrics_table({"metrics": metrics}))
    if run.results.get("metrics") and not replace:
        print(f"results: {run.folder / 'results.json'} kept as saved (--replace to write these)")
        return 0
    write_json(run.folder / "results.json", {**run.results, "metrics": metrics})
    print(f"results: {run.folder / 'results.json'}")
    return 0


def evaluate_run(run, model, lengths, sequences, chunk, quiet):
    from data.sequences import images_as_floats
    from tasks.evaluation import score_lengths

    digits = run.task.load_digits(run.config)
    return score_lengths(model, images_as_floats(digits.test_images), digits.test_labels,
                         run.task, lengths, sequences, run.config.seed, quiet=quiet, chunk=chunk)


if __name__ == "__main__":
    sys.exit(main())
