"""The NALU paper's Table 1: static and recurrent arithmetic, six operations, scored in the
paper's normalised RMSE and by the success criterion.

    python -m benchmarks.table1 [--seeds 10] [--forms static,running] [--report-only]
    python -m benchmarks.table1 --from-saved    # the tables again from docs/results/table1.json
    python -m benchmarks.table1 --forms running --models named --keep-saved

Models as in the paper: static ReLU6 (`mlp`), None (`none`, the same MLP without an
activation), NAC and NALU (two layers each); recurrent LSTM, ReLU RNN (`rnn_relu`), NAC and
NALU cells. Beside them, recurrent "named": per op the model of
`tasks.arithmetic.settings.RUNNING_MODELS` (a NAC cell for + and -, under a NMU head for
× and x², a NAU accumulator under a RealNPU head for ÷ and √). Each (form, model) is one
sweep (`tasks.arithmetic.sweep`, every op, the recipe's steps; "named": one sweep per op) in
its own folder under --out, resumed where it stopped. `--models` trains only the columns it
names; with `--keep-saved` every other column keeps its published scores (the JSON records
which, and from which commit).

Normalised RMSE = 100 * sqrt(MSE / MSE of a random model): the random model's MSE is the
median over --inits random initialisations of the same model on the same kind of data, so a
random model scores 100 and an exact one 0. Interpolation: the training range (recurrent: the
training length); extrapolation: the test range (recurrent: length 1000). Success: the
extrapolation MSE is below that of the exact solution with every weight moved by 1e-5
(`tasks.arithmetic.trainer`), with its 95% Wilson interval. The paper's own figures are
not shown: none could be checked against the paper.
"""

import os
import statistics
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

FORMS = {"static": ("arith_static", ("mlp", "none", "nac", "nalu")),
         "running": ("arith_running", ("lstm", "rnn_relu", "nac", "nalu", "named"))}
LABELS = {"mlp": "ReLU6", "none": "None", "nac": "NAC", "nalu": "NALU", "lstm": "LSTM",
          "rnn_relu": "ReLU", "named": "named"}
NAMED = "named"  # the column whose model is chosen per op (RUNNING_MODELS)
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


def sweep_config(form, model, args, ops=OPS, name=None):
    from tasks.arithmetic.sweep import SweepConfig

    task, _ = FORMS[form]
    return SweepConfig(task=task, ops=ops, units=(model,), seeds=args.seeds, quiet=True,
                       out=args.out, name=name or f"{form}-{model}", resume=True,
                       steps=args.steps)


def sweeps(form, column, args):
    """(op, model, SweepConfig) of each sweep behind a column: one for every op, or one per
    op for the named column."""
    from tasks.arithmetic.settings import RUNNING_MODELS

    if column == NAMED:
        return [(op, RUNNING_MODELS[op], sweep_config(form, RUNNING_MODELS[op], args, (op,),
                                                      f"{form}-{NAMED}-{op}")) for op in OPS]
    config = sweep_config(form, column, args)
    return [(op, column, config) for op in OPS]


def score(form, column, args):
    """Per op: the sweep's per-seed results, the random baseline, normalised errors."""
    import math

    from benchmarks.common import finished_sweep
    from tasks.arithmetic.summary import summarize

    scores = {}
    for op, model, config in sweeps(form, column, args):
        saved = finished_sweep(config, args.report_only)
        if saved is None:
            continue
        per_seed = saved["per_seed"]
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
        scores[op] = {**normalised, "success": summarize(label, op, results), "model": label}
    return scores or None


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
    from benchmarks.common import parse_choices, parse_integers, parser, saved
    from benchmarks.publish import provenance, publish

    arguments = parser(__doc__, out="runs/table1", report_only=True, backend=True,
                       from_saved=True)
    arguments.add_argument("--seeds", default="10", help="seeds per (model, op)")
    arguments.add_argument("--forms", default="static,running")
    arguments.add_argument("--inits", default="100",
                           help="random initialisations behind the baseline MSE")
    arguments.add_argument("--steps", help="training steps of every run (default: each "
                           "recipe's)")
    arguments.add_argument("--models", help="columns to train and score (default: all of the "
                           "forms'), e.g. named")
    arguments.add_argument("--keep-saved", action="store_true", help="columns not trained "
                           "or scored here keep their published scores")
    args = arguments.parse_args(argv)
    forms = parse_choices("forms", args.forms, list(FORMS))
    columns = {model for _, models in FORMS.values() for model in models}
    models = parse_choices("models", args.models, sorted(columns)) if args.models else None
    args.seeds, args.inits = (parse_integers(flag, getattr(args, flag))[0]
                              for flag in ("seeds", "inits"))
    args.steps = parse_integers("steps", args.steps)[0] if args.steps else None
    import keras

    kept = {}
    if args.from_saved:
        meta, payload = saved("table1")
        scores, backend = payload["scores"], payload.get("backend")
        kept = payload.get("kept", {})
    else:
        meta, backend = provenance(), keras.backend.backend()
        scores = {form: {} for form in FORMS}
        for form in forms:
            for model in FORMS[form][1]:
                scored = score(form, model, args) if models is None or model in models else None
                if scored:
                    scores[form][model] = scored
        if args.keep_saved:
            saved_meta, payload = saved("table1")
            for form, columns_saved in payload["scores"].items():
                for model, entry in columns_saved.items():
                    if model not in scores.setdefault(form, {}):
                        scores[form][model] = entry
                        kept[f"{form}/{model}"] = payload.get("kept", {}).get(
                            f"{form}/{model}", {key: saved_meta[key] for key in
                                                ("command", "commit", "date")})
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
    if kept:
        note += (" Columns kept from an earlier publication of this table (their command, "
                 "commit and date): " + "; ".join(
                     f"{column}: `{origin['command']}` at `{origin['commit']}`, "
                     f"{origin['date']}" for column, origin in sorted(kept.items())) + ".")
    named = {op: entry["model"] for op, entry in scores.get("running", {}).get(NAMED, {}).items()}
    if named:
        note += (" The recurrent named column: " + ", ".join(
            f"{SYMBOLS[op]}: `{model}`" for op, model in named.items()) + ".")
    publish("table1", "Table 1: arithmetic in the paper's metric",
            {"scores": scores, "backend": backend, "kept": kept}, text + "\n\n" + note, meta,
            headline=headline(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
