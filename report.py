"""Summarize run folders: a Markdown table and PNG plots.

    python report.py runs/* --out reports

Writes, into a new folder under --out: `table.md` (a row per run), `error_vs_length.png`
(MAE against sequence length on log-log axes, one line per run, the training length marked)
and `sequence.png` (one test sequence as a strip of digit images, with its target and every
model's prediction). Runs of `words_to_number` get a table of their own (MAE per split).
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()


def label(run):
    config = run.config
    head = f"+{config.head}" if config.head and config.head != "linear" else ""
    return f"{config.core}{head} seed {config.seed}"


def words_table(runs):
    """A row per language-task run: the final-value MAE per split, the test exact share."""
    lines = ["| run | split | core | head | MAE train | MAE validation | MAE test | test "
             "exact |", "|---|---|---|---|---:|---:|---:|---:|"]
    for run in runs:
        metrics = run.results["metrics"]
        lines.append(f"| {run.folder.name} | {run.config.split} | {run.config.core} | "
                     f"{run.config.head}{' (accumulated)' if run.config.accumulate else ''}"
                     f"{' --skip' if run.config.skip else ''} | "
                     + " | ".join(f"{metrics[key]['mae']:.4g}"
                                  for key in ("train", "validation", "test"))
                     + f" | {metrics['test']['exact']:.3f} |")
    return "\n".join(lines) + "\n"


def table(runs):
    words_runs = [run for run in runs if "test" in run.results.get("metrics", {})]
    runs = [run for run in runs if run not in words_runs]
    if not runs:
        return words_table(words_runs)
    lengths = sorted({int(length) for run in runs for length in run.results.get("metrics", {})
                      if length.isdigit()})
    header = "| run | task | core | head | train length | " + " | ".join(
        f"MAE @{length}" for length in lengths) + " |"
    lines = [header, "|" + "---|" * (5 + len(lengths))]
    for run in runs:
        metrics = run.results.get("metrics", {})
        cells = [f"{metrics[str(length)]['mae']:.4g}" if str(length) in metrics else "-"
                 for length in lengths]
        lines.append(f"| {run.folder.name} | {run.config.task} | {run.config.core} | "
                     f"{run.config.head} | {run.config.length} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    return text + ("\n" + words_table(words_runs) if words_runs else "")


def error_plot(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for run in runs:
        points = sorted((int(length), metric["mae"])
                        for length, metric in run.results.get("metrics", {}).items()
                        if length.isdigit())
        axes.plot([p[0] for p in points], [max(p[1], 1e-3) for p in points], marker="o",
                  label=f"{run.config.task}: {label(run)}")
    for length in sorted({run.config.length for run in runs}):
        axes.axvline(length, color="grey", linestyle="--", linewidth=1)
        axes.text(length, 0.03, f" trained on {length}", rotation=90, fontsize=8,
                  color="grey", transform=axes.get_xaxis_transform(), va="bottom")
    axes.set(xscale="log", yscale="log", xlabel="sequence length", ylabel="MAE",
             title="Extrapolation: error against sequence length")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    from tasks.runs import atomic_path

    with atomic_path(path) as partial:
        figure.savefig(partial, dpi=120)
    plt.close(figure)


def sequence_picture(runs, path, length=10):
    """The first test sequence of the first run's task, with each model's prediction."""
    from PIL import Image, ImageDraw

    from data.sequences import evaluation_positions, images_as_floats
    from tasks.evaluation import ChunkedCore, encode_images

    task_runs = [run for run in runs if run.config.task == runs[0].config.task]
    task = task_runs[0].task
    digits = task.load_digits(task_runs[0].config)
    positions = evaluation_positions(len(digits.test_labels), length, 1, task_runs[0].config.seed)
    target = task.targets(digits.test_labels[positions])[0]
    lines = [f"{task.name}, length {length}: target {format_vector(target)}"]
    for run in task_runs:
        model = run.load_model()
        encodings = encode_images(model, images_as_floats(digits.test_images))
        runner = ChunkedCore(model.get_layer("core"), model.get_layer("head"))
        prediction = runner.predict(encodings, positions)[0]
        lines.append(f"{label(run)}: {format_vector(prediction)}")
    scale, gap = 2, 4
    strip = Image.new("L", (length * (28 * scale + gap) + gap, 28 * scale + 2 * gap), 255)
    for index, position in enumerate(positions[0]):
        digit = Image.fromarray(255 - digits.test_images[position]).resize(
            (28 * scale, 28 * scale), Image.NEAREST)
        strip.paste(digit, (gap + index * (28 * scale + gap), gap))
    text_height = 14 * len(lines) + 2 * gap
    canvas = Image.new("RGB", (max(strip.width, 520), strip.height + text_height), "white")
    canvas.paste(strip.convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(canvas)
    for row, line in enumerate(lines):
        draw.text((gap, strip.height + gap + 14 * row), line, fill="black")
    from tasks.runs import atomic_path

    with atomic_path(path) as partial:
        canvas.save(partial)


def format_vector(values):
    values = list(values)
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return "[" + " ".join(f"{value:.1f}" for value in values) + "]"


def main(argv=None):
    from errors import UsageError

    parser = ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("runs", nargs="*", help="run folders written by train.py")
    parser.add_argument("--out", default="reports", help="folder that receives the report")
    parser.add_argument("--name", default="report")
    parser.add_argument("--no-pictures", action="store_true", help="table and plot only")
    args = parser.parse_args(argv)
    try:
        from tasks.runs import new_run_folder, write_text
        from tasks.saved_runs import open_run

        if not args.runs:
            raise UsageError("runs: no run folders given (e.g. python report.py runs/*)")
        runs = [open_run(folder) for folder in args.runs]
        empty = [str(run.folder) for run in runs if not run.results.get("metrics")]
        if empty:
            raise UsageError(f"run {empty[0]}: has no results.json metrics to report")
        sequence_runs = [run for run in runs if hasattr(run.task, "encoding_size")]
        for run in sequence_runs:
            if not args.no_pictures:
                run.load_model()  # fail before anything is written
        folder = new_run_folder(args.out, args.name)
    except UsageError as error:
        fail(error)
    write_text(folder / "table.md", table(runs))
    plotted = [run for run in runs if any(key.isdigit() for key in run.results["metrics"])]
    if plotted:
        error_plot(plotted, folder / "error_vs_length.png")
    if sequence_runs and not args.no_pictures:
        sequence_picture(sequence_runs, folder / "sequence.png")
    print(table(runs), end="")
    print(f"report: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
