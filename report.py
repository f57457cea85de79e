"""Summarize run folders: a Markdown table and PNG plots.

    python report.py runs/* --out reports

Writes, into a new folder under --out, `table.md`: a table per task family, a row per run
(MNIST: MAE per length; `words_to_number`: MAE per split; arithmetic: the criterion of the
seed). MNIST runs also get `error_vs_length.png` (MAE against sequence length, log-log, the
training length marked) and `sequence.png` (one test sequence as digit images, with its
target and every model's prediction). Each family's part is its task's `report_table` and
`report_figures` (`tasks.registry.Task`).
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()


def by_family(runs):
    """The runs grouped by task family, in the order their families first appear."""
    groups = {}
    for run in runs:
        groups.setdefault(run.task.family, []).append(run)
    return list(groups.values())


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
        groups = by_family(runs)
        figures = {}  # every model a figure needs loads before anything is written
        for group in groups:
            figures.update(group[0].task.report_figures(group, not args.no_pictures))
        folder = new_run_folder(args.out, args.name)
    except UsageError as error:
        fail(error)
    table = "\n".join(group[0].task.report_table(group) for group in groups)
    write_text(folder / "table.md", table)
    for name, draw in figures.items():
        draw(folder / name)
    print(table, end="")
    print(f"report: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
