"""report.py for the MNIST tasks: a row per run, error against length, one test sequence."""

import functools

from tasks.figures import pyplot, save_figure
from tasks.runs import atomic_path


def label(run):
    config = run.config
    head = f"+{config.head}" if config.head and config.head != "linear" else ""
    return f"{config.core}{head} seed {config.seed}"


def error_plot(runs, path):
    plt = pyplot()

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
    save_figure(figure, path, dpi=120)


def sequence_picture(runs, path, length=10):
    """The first test sequence of the first run's task, with each model's prediction."""
    from PIL import Image, ImageDraw

    from data.sequences import evaluation_positions, images_as_floats
    from tasks.mnist.evaluation import ChunkedCore, encode_images

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
    with atomic_path(path) as partial:
        canvas.save(partial)


def format_vector(values):
    values = list(values)
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return "[" + " ".join(f"{value:.1f}" for value in values) + "]"


def table(runs):
    """A row per run: task, model, training length and the MAE at every length scored."""
    lengths = sorted({int(length) for run in runs for length in run.results["metrics"]})
    header = "| run | task | core | head | train length | " + " | ".join(
        f"MAE @{length}" for length in lengths) + " |"
    lines = [header, "|" + "---|" * (5 + len(lengths))]
    for run in runs:
        metrics = run.results["metrics"]
        cells = [f"{metrics[str(length)]['mae']:.4g}" if str(length) in metrics else "-"
                 for length in lengths]
        lines.append(f"| {run.folder.name} | {run.config.task} | {run.config.core} | "
                     f"{run.config.head} | {run.config.length} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def figures(runs, pictures):
    """The error-against-length plot, and with `pictures` the test-sequence strip (its
    models are loaded here, so a broken one fails before anything is written)."""
    drawn = {"error_vs_length.png": functools.partial(error_plot, runs)}
    if pictures:
        for run in runs:
            run.load_model()
        drawn["sequence.png"] = functools.partial(sequence_picture, runs)
    return drawn
