"""Program evaluation (Trask et al. 2018, section 4.4): each model's accuracy against the
number of digits of the programs' constants, trained on two digits.

    python -m benchmarks.program_eval [--models lstm,nac,nau] [--seeds 0,1,2] [--report-only]

Each (model, seed) is one `python train.py --task program_eval --core MODEL --seed SEED`
run with the task's defaults, in `--out/<model>-seed<S>` (skipped when it has its results).
Writes the section "Program evaluation" of docs/results.md (exact and matching-digit shares
per digit count, median and range over the seeds), its JSON, and
`docs/program_eval.png` (matching digits and exact answers against digits, every model).
"""

import statistics
import sys

from benchmarks import common
from benchmarks.common import ROOT
from benchmarks.publish import provenance, publish
from tasks.figures import pyplot, save_figure

PICTURE = ROOT / "docs" / "program_eval.png"
NAMES = {"lstm": "LSTM", "nac": "LSTM-configured NAC", "nau": "LSTM-configured NAU",
         "nalu": "LSTM-configured NALU"}


def share_cell(values):
    """A share's median in bold and its range over the seeds, as percentages."""
    low, high = min(values), max(values)
    return f"**{100 * statistics.median(values):.1f}%** ({100 * low:.1f}-{100 * high:.1f})"


def summary(results):
    digits = list(results[0]["metrics"])
    return {"seeds": [result["seed"] for result in results],
            "train_seconds": statistics.median(result["train_seconds"] for result in results),
            **{metric: {d: [result["metrics"][d][metric] for result in results]
                        for d in digits} for metric in ("exact", "digits", "mae")}}


def markdown(table):
    digits = list(table[0]["stats"]["exact"])
    header = ["model", "seeds", *(f"exact @{d} digits" for d in digits),
              *(f"matching digits @{d}" for d in digits), "train s"]
    rows = [[NAMES[entry["model"]], len(entry["stats"]["seeds"]),
             *(share_cell(entry["stats"]["exact"][d]) for d in digits),
             *(share_cell(entry["stats"]["digits"][d]) for d in digits),
             f"{entry['stats']['train_seconds']:.0f}"] for entry in table]
    return common.markdown_table(header, rows, "l" + "r" * (len(header) - 1))


def picture(table, path):
    plt = pyplot()
    figure_, axes = plt.subplots(figsize=(5.5, 3.6))
    for index, entry in enumerate(table):
        digits = [int(d) for d in entry["stats"]["digits"]]
        for metric, style, label in (("digits", "o-", "matching digits"),
                                     ("exact", "s--", "exact")):
            medians = [100 * statistics.median(entry["stats"][metric][str(d)])
                       for d in digits]
            axes.plot(digits, medians, style, color=f"C{index}",
                      label=f"{NAMES[entry['model']]}, {label}")
    axes.set_xticks(digits)
    axes.set_xlabel("digits of the constants (trained on 2)")
    axes.set_ylabel("% of programs (median of seeds)")
    axes.set_ylim(-3, 103)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    save_figure(figure_, path, dpi=100)


def main(argv=None):
    return common.or_fail(lambda: run(argv))


def run(argv):
    from tasks.programs.model import MODELS

    arguments = common.parser(__doc__, out="runs/program_eval", report_only=True)
    arguments.add_argument("--models", default="lstm,nac,nau")
    arguments.add_argument("--seeds", default="0,1,2")
    args = arguments.parse_args(argv)
    models = common.parse_choices("models", args.models, MODELS)
    seeds = common.parse_integers("seeds", args.seeds, minimum=0)
    meta = provenance()
    runs = common.seed_runs(args.out, models, seeds, args.report_only,
                            lambda name: ["--task", "program_eval", "--core", name])
    table = [{"model": name, "stats": summary(results)} for name, results in runs.items()]
    text = markdown(table)
    print(text)
    if args.no_publish:
        return 0
    picture(table, PICTURE)
    note = ("Each run: `python train.py --task program_eval --core MODEL --seed SEED`, the "
            "task's defaults otherwise (`tasks/programs/`: three constants and two "
            "statements of +, - and if, trained on two-digit constants, 1,000 test programs "
            "per digit count, the same for every seed). Exact: the share of programs whose "
            "rounded prediction is the printed value; matching digits: the share of its "
            "digits in place (Zaremba & Sutskever's metric). Median over the seeds in bold, "
            "range in brackets. Trask et al. 2018 (section 4.4, Figure 4) show the LSTM "
            "failing on three- and four-digit programs where their LSTM-configured NALU keeps "
            "most of its accuracy; their figures are read off a plot and are not shown here."
            + (" Read with --report-only: the runs were in --out already."
               if args.report_only else "") + "\n\n"
            f"![accuracy against digits](../{PICTURE.relative_to(ROOT).as_posix()})")
    publish("program_eval", "Program evaluation", {"table": table}, text + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
