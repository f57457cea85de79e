"""What `--test-shift` does to a trained MNIST sum model: the run re-scored with each.

    python -m benchmarks.diagnostics.shift_rescore runs/<mnist_sum run> [more runs] [--shifts 0,1,2]

For each test shift s, every test image is encoded as the mean of the run's trained encoder
over the image moved by every offset of up to s pixels ((2s + 1)^2 copies; s = 0 is the
image alone), whatever test shift the run itself was trained with. Prints the per-digit RMS
error and bias (each test image scored as a sequence of length 1) and the MAE at the run's
evaluation lengths on the evaluator's fixed sequences, so s equal to the run's own
`test_shift` reproduces its results.json.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def shifted_encoder(encoder, shift):
    """The trained `encoder`'s layers (shared, not copied) under test shift `shift`."""
    import keras

    from tasks.mnist.model import ShiftCopies, ShiftMean

    layers = [layer for layer in encoder.layers if not isinstance(layer, ShiftCopies | ShiftMean)]
    around = ([ShiftCopies(shift)], [ShiftMean(shift)]) if shift else ([], [])
    return keras.Sequential([keras.Input((28, 28, 1)), *around[0], *layers, *around[1]])


def rescore(run_folder, shifts):
    """{shift: {"rms", "bias", "metrics"}} of the run re-scored under each test shift."""
    import numpy as np

    from data.sequences import images_as_floats
    from tasks.mnist.evaluation import ChunkedCore, score_lengths
    from tasks.saved_runs import open_run

    run = open_run(run_folder)
    if run.results.get("task") != "mnist_sum":
        raise SystemExit(f"{run_folder}: a {run.results.get('task')} run; this script reads "
                         "mnist_sum runs")
    model = run.load_model()
    digits = run.task.load_digits(run.config)
    images, labels = images_as_floats(digits.test_images), digits.test_labels
    lengths = [int(length) for length in run.results["metrics"]]
    core = ChunkedCore(model.get_layer("core"), model.get_layer("head"))
    print(f"{run_folder} (trained with --test-shift {run.config.test_shift or 0})")
    figures = {}
    for shift in shifts:
        encoder = shifted_encoder(model.get_layer("encode").layer, shift)
        encodings = encoder.predict(images, batch_size=2048, verbose=0)
        errors = core.predict(encodings, np.arange(len(labels))[:, None]).ravel() - labels
        metrics = score_lengths(model, images, labels, run.task, lengths,
                                run.config.eval_sequences or 1000, run.config.seed, quiet=True,
                                encoder=encoder)
        figures[shift] = {"rms": float(np.sqrt(np.mean(errors ** 2))),
                          "bias": float(errors.mean()), "metrics": metrics}
        print(f"  --test-shift {shift}: per-digit test RMS {figures[shift]['rms']:.3f} bias "
              f"{figures[shift]['bias']:+.4f} | MAE "
              + " ".join(f"@{length} {metrics[str(length)]['mae']:.3g}" for length in lengths),
              flush=True)
    return figures


def main():
    from cli import ArgumentParser, fail, import_tensorflow_quietly
    from errors import UsageError

    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--shifts", default="0,1,2", help="comma-separated test shifts")
    args = parser.parse_args()
    try:
        shifts = [int(shift) for shift in args.shifts.split(",")]
        if any(not 0 <= shift <= 4 for shift in shifts):
            raise ValueError
    except ValueError:
        parser.error(f"--shifts {args.shifts}: must be a comma-separated list of integers "
                     "from 0 to 4")
    import_tensorflow_quietly()
    try:
        for run in args.runs:
            rescore(run, shifts)
    except UsageError as error:  # a folder that is not a run: one line, exit 2
        fail(error)


if __name__ == "__main__":
    main()
