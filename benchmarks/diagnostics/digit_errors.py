"""Where an MNIST sum model's error comes from: the value it gives each single digit.

    python -m benchmarks.diagnostics.digit_errors runs/<mnist_sum run> [more runs]

A sum model with a unit core started at the identity adds up one value per image, so its
error on a length-L sequence is the sum of L per-digit errors: their mean (bias) grows like
L, their spread like sqrt(L). For train and test images this prints the per-digit MAE, RMS
error, bias and the share of digits whose rounded value is the label, then per class the
bias and the spread. Each image is scored as a sequence of length 1.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def digit_errors(run_folder):
    import numpy as np

    from data.digits import load_digits
    from data.sequences import images_as_floats
    from tasks.saved_runs import open_run

    run = open_run(run_folder)
    results = run.results
    if results.get("task") != "mnist_sum":
        raise SystemExit(f"{run_folder}: a {results.get('task')} run; this script reads "
                         "mnist_sum runs")
    model = run.load_model()
    digits = load_digits(run.config.digits)
    print(f"{run_folder} (core {results['core']}, digits {results['digits']})")
    for split, images, labels in (("train", digits.train_images, digits.train_labels),
                                  ("test", digits.test_images, digits.test_labels)):
        values = np.asarray(model.predict(images_as_floats(images)[:, None], batch_size=1000,
                                          verbose=0)).ravel()
        errors = values - labels
        print(f"  {split:5s} per-digit MAE {np.abs(errors).mean():.3f}  RMS "
              f"{np.sqrt(np.mean(errors ** 2)):.3f}  bias {errors.mean():+.4f}  rounded = label "
              f"{np.mean(np.round(values) == labels):.1%}")
        classes = range(10)
        print("        class bias " + " ".join(f"{errors[labels == c].mean():+.2f}"
                                                for c in classes))
        print("        class RMS  " + " ".join(f"{np.sqrt(np.mean(errors[labels == c] ** 2)):.2f}"
                                                for c in classes))


def main():
    from cli import ArgumentParser, fail, import_tensorflow_quietly
    from errors import UsageError

    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args()
    import_tensorflow_quietly()
    try:
        for run in args.runs:
            digit_errors(run)
    except UsageError as error:  # a folder that is not a run: one line, exit 2
        fail(error)


if __name__ == "__main__":
    main()
