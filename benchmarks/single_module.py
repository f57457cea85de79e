"""The single-module arithmetic task of Mistry et al.: every unit's success on each
operation over the nine range pairs, with and without redundancy.

    python -m benchmarks.single_module [--units nmru,realnpu_mod,...] [--ops add,sub,mul,div]
                                       [--protocols smat,smat10] [--seeds 25]
                                       [--parts grid,madsen] [--engine local|ray]
                                       [--check-seeds N] [--report-only]

Each (protocol, unit, op) is one sweep (`python sweep.py --protocol smat10 --units nmru
--op div --seeds 25`): the nine range pairs x the seeds train at once as copies of one
model. Its folder under --out is reused when it has finished and resumed when it stopped
midway, so the whole table is one command that can be stopped and started again. Writes
the success per range pair with 95% Wilson intervals, the wall time of each sweep, the
published figures where they exist, and a heat map (docs/single_module.png).

The part `madsen` tries the newer units on division in the 100-input task of Madsen &
Johansen (NAU -> NMRU, NAU -> NRU, two modified RealNPUs; 20 seeds), where no unit divides.
"""

import sys
from pathlib import Path

# Published averages over the 225 sets of division with redundancy (Mistry, Farrahi & Hare,
# NeurIPS 2021, arXiv 2110.05177): the NMRU 91.6%, the modified RealNPU 85.3%, "15.1
# points" above the original RealNPU.
PUBLISHED = {("smat10", "div", "nmru"): "91.6%", ("smat10", "div", "realnpu_mod"): "85.3%",
             ("smat10", "div", "realnpu"): "70.2% (85.3 - 15.1)"}
BARS = {("smat10", "div", "nmru"): 0.90, ("smat10", "div", "realnpu_mod"): 0.85}
PICTURE = "single_module.png"
MADSEN_DIVISION = ("nmru", "nru", "realnpu_mod")  # their models: nau-nmru, nau-nru, ...
MADSEN_SEEDS = 20
# each attempt: its name in the table, its sweep flags (the recipe's, then at the NMRU
# paper's rate)
MADSEN_ATTEMPTS = {"recipe": ("div", {}), "Adam 1e-2": ("div-lr0.01", {"lr": 0.01})}


def madsen_division(args):
    """The rows of the newer units on `div` in the 100-input task, per attempt (run unless
    finished)."""
    from benchmarks.common import finished_sweep
    from tasks.arithmetic.sweep import SweepConfig

    rows = []
    for attempt, (suffix, flags) in MADSEN_ATTEMPTS.items():
        name = f"madsen-{suffix}-{MADSEN_SEEDS}"
        folder = Path(args.out) / name
        saved = finished_sweep(SweepConfig(
            task="arith_static", ops=("div",), units=MADSEN_DIVISION, seeds=MADSEN_SEEDS,
            out=args.out, name=name, quiet=True, resume=folder.exists(), engine=args.engine,
            **flags), args.report_only)
        if saved is not None:
            rows += [{**row, "unit": f"{row['unit']} ({attempt}, {saved.get('backend')})"}
                     for row in saved["rows"]]
    return rows


def sweep_results(protocol, unit, op, args, first_seed=0, seeds=None):
    """The per-copy results of one sweep of `seeds` seeds from `first_seed` (default: the
    benchmark's --seeds from 0), run or resumed unless it has finished."""
    from benchmarks.common import finished_sweep
    from tasks.arithmetic.sweep import SweepConfig

    seeds = seeds or args.seeds
    name = f"{protocol}-{unit}-{op}-{seeds}" + (f"-from{first_seed}" if first_seed else "")
    folder = Path(args.out) / name
    saved = finished_sweep(SweepConfig(
        task="arith_static", protocol=protocol, ops=(op,), units=(unit,), seeds=seeds,
        first_seed=first_seed, out=args.out, name=name, quiet=True, resume=folder.exists(),
        engine=args.engine), args.report_only)
    if saved is None:
        return None
    [results] = saved["per_seed"].values()
    return {"results": results, "seconds": saved["total_seconds"],
            "backend": saved.get("backend", "-"),
            "seeds": f"{first_seed}-{first_seed + seeds - 1}"}


def grid_results(protocols, ops, units, args):
    """Every (protocol, op, unit) sweep's results; with --check-seeds, a row that has a
    published figure carries the sweep of the next seeds as its `check`."""
    grid = {}
    for protocol in protocols:
        for op in ops:
            for unit in units:
                entry = sweep_results(protocol, unit, op, args)
                if entry and args.check_seeds and (protocol, op, unit) in PUBLISHED:
                    entry["check"] = sweep_results(protocol, unit, op, args, args.seeds,
                                                   args.check_seeds)
                grid[(protocol, op, unit)] = entry
    return grid


def by_range(results):
    """Per range pair (in the protocol's order): (successes, trials)."""
    counts = {}
    for result in results:
        done, total = counts.get(result["range"], (0, 0))
        counts[result["range"]] = (done + result["success"], total + 1)
    return counts


def cell(successes, trials):
    from tasks.arithmetic.summary import wilson_interval

    low, high = wilson_interval(successes, trials)
    return f"{100 * successes / trials:.0f}% [{100 * low:.0f}-{100 * high:.0f}]"


def range_labels(protocol):
    """The protocol's range pairs as the sweep labels its results."""
    from data.arithmetic import ArithmeticData
    from tasks.arithmetic.protocols import get_protocol
    from tasks.arithmetic.sweep import range_label

    return [range_label(ArithmeticData(input_size=2, subset_ratio=0.5, overlap_ratio=0.0,
                                       interpolation=low, extrapolation=high))
            for low, high in get_protocol(protocol).pairs()]


def pooled(counts):
    """(successes, trials) over every range pair of `by_range`'s counts."""
    return (sum(done for done, _ in counts.values()),
            sum(count for _, count in counts.values()))


def tables(grid, protocols, ops, units):
    """One Markdown table per (protocol, op): units x range pairs, then all 225 sets; where
    a row carries a `check` sweep (other seeds), its rate and both blocks pooled."""
    from tasks.arithmetic.protocols import get_protocol

    sections = []
    for protocol in protocols:
        labels = range_labels(protocol)
        for op in ops:
            rows = [unit for unit in units if grid.get((protocol, op, unit))]
            if not rows:
                continue
            checks = [grid[(protocol, op, unit)].get("check") for unit in rows]
            checked = next((check["seeds"] for check in checks if check), None)
            extra = [f"all sets, seeds {checked}", "both blocks"] if checked else []
            lines = ["| unit | " + " | ".join(labels + ["all sets"] + extra) + " | published"
                     " | seconds | backend |",
                     "|---|" + "---:|" * (len(labels) + len(extra) + 3) + "---|"]
            for unit, check in zip(rows, checks, strict=True):
                entry = grid[(protocol, op, unit)]
                counts = by_range(entry["results"])
                cells = [cell(*counts[label]) if label in counts else "-" for label in labels]
                cells.append(f"**{cell(*pooled(counts))}**")
                if checked and check:
                    other = pooled(by_range(check["results"]))
                    both = [mine + theirs for mine, theirs
                            in zip(pooled(counts), other, strict=True)]
                    cells += [cell(*other), cell(*both)]
                elif checked:
                    cells += ["-", "-"]
                seconds, backend = f"{entry['seconds']:.0f}", entry.get("backend", "-")
                if check:
                    seconds += f" + {check['seconds']:.0f}"
                    backend += f" + {check.get('backend', '-')}"
                lines.append(f"| {unit} | " + " | ".join(cells) + f" | "
                             f"{PUBLISHED.get((protocol, op, unit), '-')} | {seconds} | "
                             f"{backend} |")
            section = (f"**{protocol}, {op}** ({get_protocol(protocol).description})"
                       "\n\n" + "\n".join(lines))
            verdicts = [verdict(unit, grid[(protocol, op, unit)], BARS[(protocol, op, unit)])
                        for unit in rows if (protocol, op, unit) in BARS]
            if verdicts:
                section += "\n\n" + "\n".join(verdicts)
            sections.append(section)
    return "\n\n".join(sections)


def verdict(unit, entry, bar):
    """One line: `unit`'s rate against its bar (`BARS`), per block of seeds and, with a
    check, over both blocks, with the 95% interval of the pooled rate."""
    from tasks.arithmetic.summary import wilson_interval

    blocks = [(entry.get("seeds"), pooled(by_range(entry["results"])))]
    if entry.get("check"):
        blocks.append((entry["check"]["seeds"], pooled(by_range(entry["check"]["results"]))))
    done, trials = (sum(counts[k] for _, counts in blocks) for k in (0, 1))
    low, high = wilson_interval(done, trials)
    rate = done / trials
    parts = ", ".join(f"{100 * each / total:.1f}%" + (f" on seeds {seeds}" if seeds else "")
                      for seeds, (each, total) in blocks)
    place = "at or above" if rate >= bar else "below"
    inside = ", which lies inside its 95% interval" if low <= bar <= high else ""
    return (f"- {unit}: {parts}; {100 * rate:.1f}% [{100 * low:.1f}-{100 * high:.1f}] of "
            f"all {trials} sets, {place} the bar of {100 * bar:.0f}%{inside}.")


def heat_map(grid, protocols, ops, units, path):
    """Success per range pair: one panel per (protocol, op), units down, ranges across."""
    import numpy as np

    from tasks.arithmetic.protocols import get_protocol
    from tasks.figures import pyplot, save_figure

    panels = {(protocol, op): [unit for unit in units if grid.get((protocol, op, unit))]
              for protocol in protocols for op in ops}
    panels = {panel: shown for panel, shown in panels.items() if shown}
    if not panels:
        return None
    plt = pyplot()
    rows = [len(shown) + 1.5 for shown in panels.values()]  # a panel's units, title, ticks
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, 0.4 * sum(rows)), squeeze=False,
                                gridspec_kw={"height_ratios": rows})
    for axis, ((protocol, op), shown) in zip(axes[:, 0], panels.items(), strict=True):
        pairs, labels = get_protocol(protocol).pairs(), range_labels(protocol)
        values = np.full((len(shown), len(pairs)), np.nan)
        for row, unit in enumerate(shown):
            counts = by_range(grid[(protocol, op, unit)]["results"])
            for column, label in enumerate(labels):
                if label in counts:
                    values[row, column] = 100 * counts[label][0] / counts[label][1]
        axis.imshow(values, vmin=0, vmax=100, cmap="viridis", aspect="auto")
        for (row, column), value in np.ndenumerate(values):
            axis.text(column, row, "-" if np.isnan(value) else f"{value:.0f}", ha="center",
                      va="center", color="white" if value < 60 else "black", fontsize=8)
        axis.set_yticks(range(len(shown)), shown)
        axis.set_xticks(range(len(pairs)), [f"U{low}" for low, _ in pairs], fontsize=7,
                        rotation=20)
        axis.set_title(f"{protocol}, {op}: success % per interpolation range", fontsize=9)
    save_figure(figure, path)
    return path


def main(argv=None):
    from benchmarks.common import or_fail

    return or_fail(lambda: run(argv))


def run(argv):
    from benchmarks.common import ROOT, parse_choices, parse_integers, parser
    from benchmarks.publish import provenance, publish

    arguments = parser(__doc__, out="runs/single_module", report_only=True, backend=True)
    import nalu  # imports Keras: after the backend choice

    arguments.add_argument("--units", default=",".join(sorted(nalu.UNITS)))
    arguments.add_argument("--ops", default="add,sub,mul,div")
    arguments.add_argument("--protocols", default="smat,smat10")
    arguments.add_argument("--seeds", default="25", help="seeds per range pair")
    arguments.add_argument("--engine", default="local", help="local or ray")
    arguments.add_argument("--parts", default="grid,madsen")
    arguments.add_argument("--check-seeds", default="0",
                           help="train the rows with a published figure again on this many "
                           "further seeds (0: no)")
    args = arguments.parse_args(argv)
    parts = parse_choices("parts", args.parts, ("grid", "madsen"))
    args.seeds = parse_integers("seeds", args.seeds)[0]
    args.check_seeds = parse_integers("check-seeds", args.check_seeds, minimum=0)[0]
    units = parse_choices("units", args.units, sorted(nalu.UNITS))
    ops = parse_choices("ops", args.ops, ("add", "sub", "mul", "div"))
    protocols = parse_choices("protocols", args.protocols, ("smat", "smat10"))
    if args.engine not in ("local", "ray"):
        from errors import UsageError
        raise UsageError("local or ray", "engine", args.engine)
    import keras

    meta = provenance()
    grid = grid_results(protocols, ops, units, args) if "grid" in parts else {}
    text = tables(grid, protocols, ops, units)
    madsen = madsen_division(args) if "madsen" in parts else None
    if madsen:
        from tasks.arithmetic.summary import markdown_table

        text += ("\n\n**Division on the 100-input task** (`--protocol madsen`: a and b sums "
                 "of 25 of 100 inputs, U[1,2] -> U[2,6], each model's recipe, success by the "
                 f"1e-5-perturbed exact solution), {MADSEN_SEEDS} seeds; each model with "
                 "its recipe (Adam 0.1 decayed over 60,000 steps), and at Adam 1e-2\n\n"
                 + markdown_table(madsen))
    print(text)
    if args.no_publish or not text:
        return 0
    picture = heat_map(grid, protocols, ops, units, ROOT / "docs" / PICTURE)
    payload = {"backend": keras.backend.backend(), "seeds": args.seeds, "madsen": madsen,
               "cells": {"/".join(key): {
                   "per_range": by_range(entry["results"]), "seconds": entry["seconds"],
                   "backend": entry.get("backend"), "seeds": entry["seeds"],
                   **({"check": {"seeds": entry["check"]["seeds"],
                                 "per_range": by_range(entry["check"]["results"]),
                                 "seconds": entry["check"]["seconds"],
                                 "backend": entry["check"].get("backend")}}
                      if entry.get("check") else {})}
                   for key, entry in grid.items() if entry}}
    note = (f"Each cell: successes of {args.seeds} seeds on one range pair (95% Wilson "
            "interval); \"all sets\" pools the nine pairs (seeds 0-"
            f"{args.seeds - 1}); where a row has a rate on further seeds (`--check-seeds`): "
            "the same sweep trained on them, and both blocks pooled. One sweep per row (and "
            "per block of seeds), every range pair and seed a copy of one model trained at "
            "once; \"seconds\" and \"backend\": that sweep's wall time and Keras backend (+ "
            "the further seeds'). Differences from the reference setup: "
            "`tasks/arithmetic/protocols.py`.")
    if picture:
        note += f"\n\n![success per range pair]({PICTURE})"
    publish("single_module", "Single-module arithmetic (Mistry et al.)", payload,
            text + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
