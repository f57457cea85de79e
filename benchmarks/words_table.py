"""The language task's table: number words to numbers, every head, three seeds, and the
extrapolation split.

    python -m benchmarks.words_table [--seeds 0,1,2] [--jobs 2] [--report-only]
    python -m benchmarks.words_table --from-saved   # the table again from its JSON

Each (core, head, split, seed) is one `train.py --task words_to_number` run with the task's
defaults, in its own folder under --out (skipped when it has its results). Rows on the paper's
split (0-1000): LSTM with a linear, NAC and NALU head, GRU with a NALU head, and LSTM + NALU
whose per-token outputs a running sum accumulates (`--accumulate`), and that model with
the head reading each token's embedding beside the LSTM's output for the tokens before it
(`--skip`, trained longer: VARIANTS); then the row with the
lowest median test MAE on the extrapolation split (train below 10,000, test 10,000-999,999).
Writes `docs/results/words_table.json`, its section of docs/results.md (and the README's
block, where it has one) and `docs/words_predictions.png` (the prediction after each token
for a few numbers not trained on).
"""

import concurrent.futures
import json
import statistics
import sys
from pathlib import Path

from benchmarks import common
from benchmarks.common import ROOT, spread_cell
from benchmarks.publish import provenance, publish
from tasks.figures import pyplot, save_figure
from tasks.words.task import SPLITS

ROWS = [("lstm", "linear", False), ("lstm", "nac", False), ("lstm", "nalu", False),
        ("gru", "nalu", False), ("lstm", "nalu", True), ("lstm", "nalu", "skip")]
# a row's third entry names its variant: folder suffix, extra train.py flags, name suffix
VARIANTS = {
    False: ("", [], ""),
    True: ("-acc", ["--accumulate"], " (accumulated)"),
    "skip": ("-acc-skip", ["--accumulate", "--skip", "--steps", "24000", "--lr", "5e-3"],
             " (accumulated, --skip)"),
}
PICTURE = ROOT / "docs" / "words_predictions.png"
SHOWN = (64, 725, 308, 999, 517, 42, 880, 613)  # the first five not trained on


def folder_of(out, core, head, variant, split, seed):
    return Path(out) / f"{split}-{core}-{head}{VARIANTS[variant][0]}-seed{seed}"


def run(out, row, split, seed):
    core, head, variant = row
    flags = ["--task", "words_to_number", "--core", core, "--head", head, "--split", split,
             "--seed", str(seed), *VARIANTS[variant][1]]
    return common.train_once(folder_of(out, *row, split, seed), *flags)


def name_of(row):
    core, head, variant = row
    return (f"{core.upper()} + {head.upper() if head != 'linear' else 'linear'}"
            + VARIANTS[variant][2])


def summary(results, split):
    """Per split the spread of the final-value MAE and the medians of the exact share and
    the per-token MAE; the seeds and the median training time."""
    def median(key, metric):
        return statistics.median(result["metrics"][key][metric] for result in results)

    return {key: {**common.spread(result["metrics"][key]["mae"] for result in results),
                  "exact": median(key, "exact"), "token_mae": median(key, "token_mae")}
            for key in ("train", "validation", "test")} | {
        "split": split, "seeds": [result["seed"] for result in results],
        "train_seconds": statistics.median(result["train_seconds"] for result in results)}


def markdown(table):
    header = ["split", "model", "seeds", "MAE train", "MAE validation", "MAE test",
              "test MAE per token", "test exact", "train s"]
    rows = [[entry["stats"]["split"], name_of(tuple(entry["row"])),
             len(entry["stats"]["seeds"]),
             *(spread_cell(entry["stats"][key]) for key in ("train", "validation", "test")),
             common.figure(entry["stats"]["test"]["token_mae"]),
             f"{100 * entry['stats']['test']['exact']:.0f}%",
             f"{entry['stats']['train_seconds']:.0f}"] for entry in table]
    return common.markdown_table(header, rows, "ll" + "r" * 7)


def picture(folder, path, trained):
    """The prediction after each token for five numbers not in `trained`, beside the true
    prefix values."""
    import keras
    plt = pyplot()

    import nalu  # noqa: F401  (registers the units)
    from data import words

    model = keras.saving.load_model(folder / "model.keras")
    shown = [number for number in SHOWN if number not in set(trained)][:5]
    figure_, panels = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.4))
    for axes, number in zip(panels, shown, strict=True):
        tokens = words.number_to_words(number)
        ids, values, _ = words.encode([number])
        predicted = model.predict(ids, verbose=0)[0, :, 0]
        steps = range(len(tokens))
        axes.plot(steps, values[0], "o-", color="grey", label="value so far")
        axes.plot(steps, predicted, "x--", color="tab:red", label="prediction")
        axes.set_xticks(list(steps), tokens, rotation=60, fontsize=8)
        axes.set_title(f"{number}: predicted {predicted[-1]:.1f}", fontsize=9)
        axes.grid(alpha=0.3)
    panels[0].legend(fontsize=8)
    save_figure(figure_, path, dpi=100)


def main(argv=None):
    return common.or_fail(lambda: run_table(argv))


def run_table(argv):
    arguments = common.parser(__doc__, out="runs/words", report_only=True, from_saved=True)
    arguments.add_argument("--seeds", default="0,1,2")
    arguments.add_argument("--jobs", default="2", help="runs at once")
    args = arguments.parse_args(argv)
    seeds = common.parse_integers("seeds", args.seeds, minimum=0)
    jobs = common.parse_integers("jobs", args.jobs)[0]
    if args.from_saved:
        meta, payload = common.saved("words_table")
        table = payload["table"]
    else:
        meta, table = provenance(), grid_table(args, seeds, jobs)
    best = best_row(table)
    text = markdown(table)
    print(text)
    if args.no_publish:
        return 0
    if not args.from_saved:  # the picture needs the run's model
        from data import words

        largest, train_size, validation_size, below = SPLITS["paper"]
        trained = words.split(seeds[0], largest, train_size, validation_size, below)[0]
        picture(folder_of(args.out, *best, "paper", seeds[0]), PICTURE, trained)
    note = ("Each run: `python train.py --task words_to_number --core CORE --head HEAD "
            f"[--accumulate] [{' '.join(VARIANTS['skip'][1][1:])}] --split SPLIT --seed SEED`, the "
            "task's defaults otherwise (`tasks/words/`). MAE of the final value, median over "
            "the seeds in bold, range in brackets; \"per token\": the MAE of the prediction "
            "after every token; "
            "\"exact\": the share of test numbers whose final value rounds to the number. "
            "Trask et al. 2018 (section 4.3) report this task's MAE too; those figures could not "
            f"be checked against the paper and are not shown. The picture: the {name_of(best)} "
            f"model of seed {seeds[0]}, numbers it did not train on."
            + (" The runs were made before this report; the commit is the report's."
               if args.report_only else "") + "\n\n"
            f"![prediction after each token](../{PICTURE.relative_to(ROOT).as_posix()})")
    publish("words_table", "Number words to numbers", {"table": table}, text + "\n\n" + note,
            meta, headline=text)
    return 0


def best_row(table):
    """The row of the paper split with the lowest median test MAE."""
    paper = [entry for entry in table if entry["stats"]["split"] == "paper"]
    return tuple(min(paper, key=lambda entry: entry["stats"]["test"]["median"])["row"])


def grid_table(args, seeds, jobs):
    """Train (or, with --report-only, read) the rows on the paper split, then the best of
    them on the extrapolation split; the table's entries."""
    def grid(rows, split):
        grid_jobs = [(row, split, seed) for row in rows for seed in seeds]
        if args.report_only:
            done = [folder_of(args.out, *row, split, seed) for row, split, seed in grid_jobs]
            return {job: json.loads((path / "results.json").read_text())
                    for job, path in zip(grid_jobs, done, strict=True)
                    if (path / "results.json").exists()}
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            futures = {job: pool.submit(run, args.out, *job) for job in grid_jobs}
            return {job: future.result() for job, future in futures.items()}

    results = grid(ROWS, "paper")
    table = [{"row": list(row), "stats": summary([results[(row, "paper", s)] for s in seeds
                                                  if (row, "paper", s) in results], "paper")}
             for row in ROWS if any((row, "paper", s) in results for s in seeds)]
    if not table:
        from errors import UsageError

        raise UsageError(f"--out {args.out}: no finished runs to report")
    best = best_row(table)
    far = grid([best], "extrapolation")
    if far:
        table.append({"row": list(best), "stats": summary(list(far.values()), "extrapolation")})
    return table


if __name__ == "__main__":
    sys.exit(main())
