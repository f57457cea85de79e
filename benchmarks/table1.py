"""The NALU paper's Table 1: static and recurrent arithmetic, six operations, scored in the
paper's normalised RMSE and by the success criterion.

    python -m benchmarks.table1 [--seeds 10] [--forms static,running] [--report-only]
    python -m benchmarks.table1 --from-saved    # the tables again from docs/results/table1.json

Models as in the paper: static ReLU6 (`mlp`), None (`none`, the same MLP without an
activation), NAC and NALU (two layers each); recurrent LSTM, ReLU RNN (`rnn_relu`), NAC and
NALU cells. Each (form, model) is one sweep (`tasks.arithmetic.sweep`, every op, the recipe's
steps) in its own folder under --out, resumed where it stopped.

Normalised RMSE = 100 * sqrt(MSE / MSE of a random model): the random model's MSE is the
median over --inits random initialisations of the same model on the same kind of data, so a
random model scores 100 and an exact one 0. Interpolation: the training range (recurrent: the
training length); extrapolation: the test range (recurrent: length 1000). Success: the
extrapolation MSE is below that of the exact solution with every weight moved by 1e-5
(`tasks.arithmetic.trainer`), with its 95% Wilson interval. The paper's own figures are
not shown: none could be checked against the paper.
"""

import json
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

FORMS = {"static": ("arith_static", ("mlp", "none", "nac", "nalu")),
         "running": ("arith_running", ("lstm", "rnn_relu", "nac", "nalu"))}
LABELS = {"mlp": "ReLU6", "none": "None", "nac": "NAC", "nalu": "NALU", "lstm": "LSTM",
          "rnn_relu": "ReLU"}
OPS = ("add", "sub", "mul", "div", "square", "sqrt")
SYMBOLS = {"add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "square": "a^2",
           "sqrt": "sqrt(a)"}
BASELINE_SAMPLES = {"static": 1000, "running": 200}  # eval_samples of the random models


def random_mse(config, model_name, op, inits):
    """Median interpolation and extrapolation MSE of `inits` random initialisations."""
    from tasks.arithmetic.trainer import random_start_mse

    data = config.data(op)
    return random_start_mse(data, config.plan(model_name).settings, model_name, inits,
                            BASELINE_SAMPLES[data.form])


def sweep_config(form, model, args):
    from tasks.arithmetic.sweep import SweepConfig

    task, _ = FORMS[form]
    return SweepConfig(task=task, ops=OPS, units=(model,), seeds=args.seeds, quiet=True,
                       out=args.out, name=f"{form}-{model}", resume=True, steps=args.steps)


def score(form, model, args):
    """Per op: the sweep's per-seed results, the random baseline, normalised errors."""
    import math

    from tasks.arithmetic.summary import summarize
    from tasks.arithmetic.sweep import run_sweep

    config = sweep_config(form, model, args)
    folder = Path(args.out) / config.name
    if not args.report_only and not (folder / "results.json").exists():
        run_sweep(config)
    if not (folder / "results.json").exists():
        return None
    per_seed = json.loads((folder / "results.json").read_text())["per_seed"]
    scores = {}
    for op in OPS:
        label = config.plan(model).label
        results = per_seed.get(f"{label}/{op}")
        if not results:
            continue
        baseline = random_mse(config, model, op, args.inits)
        normalised = {}
        for index, key in enumerate(("interpolation", "extrapolation")):
            values = [100 * math.sqrt(r[f"{key}_mse"] / baseline[index])
                      if r[f"{key}_mse"] is not None and math.isfinite(r[f"{key}_mse"])
                      else math.inf for r in results]
            normalised[key] = {"median": statistics.median(values), "low": min(values),
                               "high": max(values), "random_mse": baseline[index]}
        scores[op] = {**normalised, "success": summarize(label, op, results)}
    return scores


def figure(value):
    if value is None:
        return "-"
    if value == float("inf") or value >= 1000:
        return ">999"
    return f"{value:.1f}" if value >= 0.1 or value == 0 else f"{value:.1g}"


def markdown(scores):
    columns = [(form, model) for form, (_, models) in FORMS.items() for model in models]
    header = ("| op | " + " | ".join(f"{'static' if form == 'static' else 'recurrent'} "
                                      f"{LABELS[model]}" for form, model in columns) + " |")
    rule = "|---|" + "---:|" * len(columns)
    blocks = []
    for key in ("interpolation", "extrapolation"):
        lines = [f"**{key.capitalize()}**, normalised RMSE (random = 100), median of the "
                 "seeds", "", header, rule]
        for op in OPS:
            cells = []
            for form, model in columns:
                entry = scores.get(form, {}).get(model, {}).get(op)
                cells.append("-" if entry is None else figure(entry[key]["median"]))
            lines.append(f"| {SYMBOLS[op]} | " + " | ".join(cells) + " |")
        blocks.append("\n".join(lines))
    lines = ["**Success** (extrapolation MSE under the 1e-5-perturbed exact solution): rate "
             "[95% Wilson interval]", "", header, rule]
    for op in OPS:
        cells = []
        for form, model in columns:
            entry = scores.get(form, {}).get(model, {}).get(op)
            success = entry and entry["success"]
            cells.append("-" if not success else
                         f"{100 * success['success_rate']:.0f}% "
                         f"[{100 * success['wilson_low']:.0f}-{100 * success['wilson_high']:.0f}]")
        lines.append(f"| {SYMBOLS[op]} | " + " | ".join(cells) + " |")
    blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def headline(scores):
    """One table for the README: per cell the extrapolation error, median of the seeds, and
    the share of seeds that succeed."""
    columns = [(form, model) for form, (_, models) in FORMS.items() for model in models]
    lines = ["| extrapolation | " + " | ".join(
        f"{'static' if form == 'static' else 'recurrent'} {LABELS[model]}"
        for form, model in columns) + " |", "|---|" + "---:|" * len(columns)]
    for op in OPS:
        cells = []
        for form, model in columns:
            entry = scores.get(form, {}).get(model, {}).get(op)
            cells.append("-" if entry is None else
                         f"{figure(entry['extrapolation']['median'])}, "
                         f"{100 * entry['success']['success_rate']:.0f}%")
        lines.append(f"| {SYMBOLS[op]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    from benchmarks.common import or_fail

    return or_fail(lambda: run(argv))


def run(argv):
    from benchmarks.common import parse_integers, parser, saved
    from benchmarks.publish import provenance, publish
    from errors import UsageError

    arguments = parser(__doc__, out="runs/table1", report_only=True, backend=True,
                       from_saved=True)
    arguments.add_argument("--seeds", default="10", help="seeds per (model, op)")
    arguments.add_argument("--forms", default="static,running")
    arguments.add_argument("--inits", default="100",
                           help="random initialisations behind the baseline MSE")
    arguments.add_argument("--steps", help="training steps of every run (default: each "
                           "recipe's)")
    args = arguments.parse_args(argv)
    forms = args.forms.split(",")
    for form in forms:
        if form not in FORMS:
            raise UsageError(f"--forms {args.forms}: choose from {', '.join(FORMS)}")
    args.seeds, args.inits = (parse_integers(flag, getattr(args, flag))[0]
                              for flag in ("seeds", "inits"))
    args.steps = parse_integers("steps", args.steps)[0] if args.steps else None
    import keras

    if args.from_saved:
        meta, payload = saved("table1")
        scores, backend = payload["scores"], payload.get("backend")
    else:
        meta, backend = provenance(), keras.backend.backend()
        scores = {form: {} for form in forms}
        for form in forms:
            for model in FORMS[form][1]:
                scored = score(form, model, args)
                if scored:
                    scores[form][model] = scored
    text = markdown(scores)
    print(text)
    if args.no_publish:
        return 0
    note = (f"Each cell: `python sweep.py --task TASK --units MODEL --op all --seeds "
            f"{args.seeds}` with the recipe's steps (`tasks/arithmetic/settings.py`)"
            + (f", on {backend}" if backend else "") + f". Random baseline: the median MSE of "
            f"{args.inits} random initialisations of the same model (per op and range, in the "
            "JSON). The recurrent ReLU column is an RNN with ReLU units, as in Trask et al. "
            "2018, Table 1, whose figures are not shown here: none could be checked against "
            "the paper. The runs may have been made before this report; the commit is the "
            "report's.")
    publish("table1", "Table 1: arithmetic in the paper's metric",
            {"scores": scores, "backend": backend}, text + "\n\n" + note, meta,
            headline=headline(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
