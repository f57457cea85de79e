"""The sequential MNIST product on Madsen & Johansen's protocol (ICLR 2020, section 4.3):
which cores multiply digits 1-9 over sequences up to 20 after training on 2.

    python -m benchmarks.mnist_prod [--models nmu,nalu,lstm] [--seeds 0-9] [--report-only]

Each (model, seed) is one `python train.py --task mnist_prod --core MODEL --seed SEED` run
with the task's defaults, in `--out/<model>-seed<S>` (skipped when it has its results), and
so is the reference: the same encoder trained through a solved accumulator
(`--core exact_product`, the running product with no weights), seed for seed.
A run succeeds at a length when its test MSE there is at most the reference's bound at that
length, `reference_bound`: Madsen & Johansen's "upper 1% one-sided confidence interval" of
the reference model's MSE, taken here as the 99% one-sided prediction bound of one more
reference run, log-normal over the seeds (their MSE spans decades). Writes the section
"MNIST product" of docs/results.md (successes of the seeds and median MAE by length, Wilson
intervals), its JSON and `docs/mnist_prod.png` (success and MAE against length).
"""

import math
import statistics
import sys

from benchmarks import common
from benchmarks.common import ROOT
from benchmarks.publish import provenance, publish
from tasks.figures import pyplot, save_figure

PICTURE = ROOT / "docs" / "mnist_prod.png"
REFERENCE = "exact_product"
NAMES = {REFERENCE: "solved accumulator (reference)", "nmu": "NMU", "nalu": "NALU",
         "lstm": "LSTM", "nac": "NAC", "nau": "NAU", "snmu": "sNMU"}
SHOWN_LENGTHS = ("1", "2", "3", "4", "5", "10", "15", "20")


def t_quantile(probability, freedom):
    """Student's t quantile, by the Cornish-Fisher expansion around the normal quantile
    (within 2e-3 of the exact value from 5 degrees of freedom up)."""
    z = statistics.NormalDist().inv_cdf(probability)
    v = freedom
    return (z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3))


def reference_bound(mses, probability=0.99):
    """The largest MSE one more reference run reaches with `probability`: the one-sided
    prediction bound exp(m + t s sqrt(1 + 1/n)) of the logs' mean m and deviation s over the
    n reference seeds (n >= 2)."""
    logs = [math.log(value) for value in mses]
    n = len(logs)
    if n < 2:
        raise ValueError("the reference bound needs at least two reference runs")
    spread_ = statistics.stdev(logs) * math.sqrt(1 + 1 / n)
    return math.exp(statistics.mean(logs) + t_quantile(probability, n - 1) * spread_)


def number(value):
    """Three significant figures; powers of ten past 10,000 (products grow to 1e19)."""
    return f"{value:.3g}" if value < 1e4 else f"{value:.2e}"


def spread_cell(values):
    """The median in bold, the range over the seeds in brackets."""
    return f"**{number(statistics.median(values))}** ({number(min(values))}-{number(max(values))})"


def lengths_of(results):
    return sorted(results[0]["metrics"], key=int)


def summary(results, bounds):
    """Per length: each seed's success (MSE within the bound), MAE and MSE; the seeds that
    succeed at every length."""
    from tasks.arithmetic.summary import wilson_interval

    lengths = lengths_of(results)
    # within float round-off of the bound counts (the log and exp of equal MSEs)
    success = {length: [result["metrics"][length]["mse"] <= bounds[length] * (1 + 1e-9)
                        for result in results] for length in lengths}
    everywhere = sum(all(success[length][index] for length in lengths)
                     for index in range(len(results)))
    return {
        "seeds": [result["seed"] for result in results],
        "successes": {length: sum(flags) for length, flags in success.items()},
        "every_length": everywhere,
        "every_length_wilson": wilson_interval(everywhere, len(results)),
        "mae": {length: [result["metrics"][length]["mae"] for result in results]
                for length in lengths},
        "mse": {length: [result["metrics"][length]["mse"] for result in results]
                for length in lengths},
        "train_seconds": statistics.median(result["train_seconds"] for result in results),
    }


def markdown(table, bounds):
    shown = [length for length in SHOWN_LENGTHS if length in bounds]
    header = ["model", "seeds", "succeeds at 1-20 [95% Wilson]",
              *(f"success @{length}" for length in shown)]
    rows = []
    for entry in table:
        stats = entry["stats"]
        n = len(stats["seeds"])
        rows.append([NAMES.get(entry["model"], entry["model"]), n,
                     f"**{stats['every_length']}/{n}** [{100 * stats['every_length_wilson'][0]:.0f}"
                     f"-{100 * stats['every_length_wilson'][1]:.0f}%]",
                     *(f"{stats['successes'][length]}/{n}" for length in shown)])
    success = common.markdown_table(header, rows)
    header = ["model", *(f"MAE @{length}" for length in shown), "train s"]
    rows = [[NAMES.get(entry["model"], entry["model"]),
             *(spread_cell(entry["stats"]["mae"][length]) for length in shown),
             f"{entry['stats']['train_seconds']:.0f}"]
            for entry in table]
    bound_row = ("Reference bound on the MSE: " + ", ".join(
        f"@{length} {number(bounds[length])}" for length in shown) + ".")
    return success + "\n\n" + common.markdown_table(header, rows) + "\n\n" + bound_row


def picture(table, path):
    plt = pyplot()
    figure_, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    for index, entry in enumerate(table):
        stats = entry["stats"]
        lengths = sorted(stats["successes"], key=int)
        x = [int(length) for length in lengths]
        label = NAMES.get(entry["model"], entry["model"])
        n = len(stats["seeds"])
        left.plot(x, [100 * stats["successes"][length] / n for length in lengths], "o-",
                  color=f"C{index}", label=label, markersize=3)
        right.plot(x, [statistics.median(stats["mae"][length]) for length in lengths], "o-",
                   color=f"C{index}", label=label, markersize=3)
    left.axvline(2, color="grey", linestyle=":", linewidth=1)
    right.axvline(2, color="grey", linestyle=":", linewidth=1)
    left.set_xlabel("sequence length (trained on 2)")
    left.set_ylabel("% of seeds within the reference bound")
    left.set_ylim(-3, 103)
    right.set_xlabel("sequence length (trained on 2)")
    right.set_ylabel("MAE (median of seeds)")
    right.set_yscale("log")
    for axes in (left, right):
        axes.grid(alpha=0.3)
    left.legend(fontsize=8)
    save_figure(figure_, path, dpi=100)


def main(argv=None):
    return common.or_fail(lambda: run(argv))


def run(argv):
    from tasks.cores import core_names

    arguments = common.parser(__doc__, out="runs/mnist_prod", report_only=True)
    arguments.add_argument("--models", default="nmu,nalu,lstm",
                           help="cores to score against the reference (exact_product)")
    arguments.add_argument("--seeds", default="0,1,2,3,4,5,6,7,8,9")
    args = arguments.parse_args(argv)
    models = common.parse_choices("models", args.models,
                                  [name for name in core_names() if name != REFERENCE])
    seeds = common.parse_integers("seeds", args.seeds, minimum=0)
    if len(seeds) < 2:
        from errors import UsageError

        raise UsageError(f"--seeds {args.seeds}: the reference bound needs two seeds or more")
    meta = provenance()
    runs = common.seed_runs(args.out, [REFERENCE, *models], seeds, args.report_only,
                            lambda name: ["--task", "mnist_prod", "--core", name])
    if len(runs.get(REFERENCE, [])) < 2:
        from errors import UsageError

        raise UsageError(f"--out {args.out}: fewer than two finished reference runs "
                         f"({REFERENCE}) to bound the MSE with")
    reference = runs[REFERENCE]
    bounds = {length: reference_bound([result["metrics"][length]["mse"]
                                       for result in reference])
              for length in lengths_of(reference)}
    table = [{"model": name, "stats": summary(results, bounds)}
             for name, results in runs.items()]
    text = markdown(table, bounds)
    print(text)
    if args.no_publish:
        return 0
    picture(table, PICTURE)
    note = (
        "Each run: `python train.py --task mnist_prod --core MODEL --seed SEED` with the "
        "task's defaults (`tasks/mnist/task.py`: digits 1-9 of full MNIST, trained on "
        "sequences of 2 with the output after every step scored, 4,000 steps of 64 "
        "sequences; the NMU core's encodings regularised by Madsen & Johansen's R_z at "
        "strength 1); scored on 1,000 sequences of test digits per length. The reference "
        "trains the same encoder through the exact running product (`--core "
        "exact_product`). A run succeeds at a length when its MSE is within the "
        "reference's 99% one-sided prediction bound there (log-normal over the reference "
        "seeds; the bound row above). 'Succeeds at 1-20': seeds within the bound at every "
        "length. MAE: median over the seeds in bold, range in brackets. Madsen & Johansen "
        "(2020) report that the NMU succeeds on this task where the NALU and their NAC• do "
        "not; their success rates are in a figure and are not repeated here."
        + (" Read with --report-only: the runs were in --out already."
           if args.report_only else "") + "\n\n"
        f"![success and MAE against length](../{PICTURE.relative_to(ROOT).as_posix()})")
    publish("mnist_prod", "MNIST product", {"bounds": bounds, "table": table},
            text + "\n\n" + note, meta, headline=text.split("\n\n")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
