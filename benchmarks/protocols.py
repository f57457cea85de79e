"""Each unit on its own paper's protocol, and division: what learns `a / b`, on which protocol.

    python -m benchmarks.protocols [--seeds 20] [--only division inalu] [--report-only]

Every part is sweeps of named protocols (`tasks/arithmetic/protocols.py`), each in its own
folder under --out (resumed where it stopped):
- division: the NPU paper's protocol (RealNPU, NPU, and for comparison NALU, iNALU, NMU, all
  alone on two inputs), the same with the power weights starting at zero (`npu_zero`), and
  NAU -> RealNPU / NPU on the 100-input task (`madsen`);
- inalu: iNALU, NAC and NALU on iNALU's experiment 1 (`inalu`), and iNALU on the 100-input
  task with its discretization regularizer (`madsen`).
Writes `docs/results/protocols.json` and its section of docs/results.md.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PARTS = {
    "division": [("npu", ("realnpu", "npu", "nalu", "inalu", "nmu"), ("div",)),
                 ("npu_zero", ("realnpu", "npu"), ("div",)),
                 ("madsen", ("nau-realnpu", "nau-npu"), ("div",))],
    "inalu": [("inalu", ("inalu", "nac", "nalu"), ("add", "sub", "mul", "div")),
              ("madsen", ("inalu",), ("add", "sub", "mul"))],
}


INITS = 20  # random initialisations behind the "MSE at start" column


def sweep(protocol, units, ops, args):
    """One protocol's sweep: its rows (run now, or read back with --report-only)."""
    from benchmarks.common import finished_sweep
    from tasks.arithmetic.sweep import SweepConfig
    from tasks.arithmetic.trainer import random_start_mse

    config = SweepConfig(protocol=protocol, units=units, ops=ops, seeds=args.seeds,
                         quiet=True, out=args.out,
                         name=f"{protocol}-{'_'.join(units)}-{'_'.join(ops)}", resume=True)
    saved = finished_sweep(config, args.report_only)
    if saved is None:
        return []
    rows = saved["rows"]
    plans = {plan.label: plan for plan in config.validate()}
    return [{**row, "protocol": protocol, "start_mse": random_start_mse(
        config.data(row["op"]), plans[row["unit"]].settings, plans[row["unit"]].unit,
        INITS)[0]} for row in rows]


def inalu_starts():
    """Where iNALU starts on the 100-input task: from its paper's initialisation, from the
    recipe's (`tasks/arithmetic/units.py`), and a NAC's, as median MSE on the training range."""
    import dataclasses

    from tasks.arithmetic.sweep import SweepConfig
    from tasks.arithmetic.trainer import random_start_mse

    config = SweepConfig()
    recipe = config.plan("inalu").settings
    paper = dataclasses.replace(recipe, unit_options={"inalu": {"w_hat_initializer": "default"}})
    return {name: random_start_mse(config.data("add"), settings, unit, INITS)[0]
            for name, unit, settings in (("paper", "inalu", paper),
                                         ("recipe", "inalu", recipe),
                                         ("nac", "nac", config.plan("nac").settings))}


def markdown(rows):
    lines = ["| part | protocol | unit | op | success | 95% interval | median extrapolation "
             "MSE | MSE at start | seeds |", "|---|---|---|---|---:|---|---:|---:|---:|"]
    for row in rows:
        mse = row["median_extrapolation_mse"]
        lines.append(
            f"| {row['part']} | {row['protocol']} | {row['unit']} | {row['op']} | "
            f"{100 * row['success_rate']:.0f}% | [{100 * row['wilson_low']:.0f}%, "
            f"{100 * row['wilson_high']:.0f}%] | {'-' if mse is None else f'{mse:.3g}'} | "
            f"{row['start_mse']:.3g} | {row['seeds']} |")
    return "\n".join(lines)


# the README's rows: (unit, protocol)
HEADLINE = [("realnpu", "npu"), ("realnpu", "npu_zero"), ("nau-realnpu", "madsen"),
            ("inalu", "inalu"), ("inalu-inalu", "madsen")]


def headline(rows):
    """The README's table: a line per (unit, protocol) of HEADLINE, the success rate per op."""
    ops = [op for op in ("add", "sub", "mul", "div") if any(row["op"] == op for row in rows)]
    seeds = max(row["seeds"] for row in rows)
    lines = [f"| unit ({seeds} seeds) | protocol | " + " | ".join(ops) + " |",
             "|---|---|" + "---:|" * len(ops)]
    for unit, protocol in HEADLINE:
        rates = {row["op"]: f"{100 * row['success_rate']:.0f}%" for row in rows
                 if (row["unit"], row["protocol"]) == (unit, protocol)}
        if rates:
            lines.append(f"| {unit} | {protocol} | "
                         + " | ".join(rates.get(op, "") for op in ops) + " |")
    return "\n".join(lines)


def main(argv=None):
    from benchmarks.common import or_fail

    return or_fail(lambda: run(argv))


def run(argv):
    from benchmarks.common import parse_integers, parser
    from benchmarks.publish import provenance, publish

    arguments = parser(__doc__, out="runs/protocols", report_only=True, backend=True)
    from tasks.arithmetic.protocols import PROTOCOLS

    arguments.add_argument("--seeds", default="20", help="seeds per (unit, op)")
    arguments.add_argument("--only", nargs="*", choices=list(PARTS), default=list(PARTS))
    args = arguments.parse_args(argv)
    args.seeds = parse_integers("seeds", args.seeds)[0]
    meta = provenance()
    rows = [{**row, "part": part} for part in args.only
            for protocol, units, ops in PARTS[part]
            for row in sweep(protocol, units, ops, args)]
    text = markdown(rows)
    starts = inalu_starts() if "inalu" in args.only else None
    if starts:
        text += ("\n\niNALU on the 100-input task (`add`), median training-range MSE at start "
                 f"over {INITS} initialisations: {starts['paper']:.3g} from its paper's start "
                 f"(W_hat ~ N(0.88, 0.2)), {starts['recipe']:.3g} from the recipe's (W_hat ~ "
                 "N(0, 0.2)); a NAC starts at "
                 f"{starts['nac']:.3g}.")
    print(text)
    if args.no_publish:
        return 0
    import keras

    used = sorted({row["protocol"] for row in rows}, key=list(PROTOCOLS).index)
    described = "\n".join(
        f"- `{name}`: {PROTOCOLS[name].description}."
        + (f" Differs from the paper: {PROTOCOLS[name].differences}." if
           PROTOCOLS[name].differences else "") for name in used)
    note = (f"Each row: `python sweep.py --protocol PROTOCOL --units UNIT --op OP --seeds "
            f"{args.seeds}` on {keras.backend.backend()}. Success: the extrapolation MSE is "
            "below that of the exact solution with every weight moved by 1e-5. MSE at start: "
            f"the median training-range MSE of {INITS} freshly initialised models. The runs may "
            "have been made before this report; the commit is the report's.\n\n" + described)
    publish("protocols", "Units on their own papers' protocols, and division",
            {"rows": rows, "inalu_starts": starts},
            text + "\n\n" + note, meta, headline=headline(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
