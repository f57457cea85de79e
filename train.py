"""Train a model on a task and score it on longer sequences.

    python train.py --task mnist_sum --len 10
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()


def parse(argv=None):
    """The run's config: `--task` (or the resumed run's task) picks the task family, whose
    config fields are the flags (`tasks.config`)."""
    from tasks import TASKS, get_task
    from tasks.config import RunConfig, add_flags, from_flags
    from tasks.cores import core_names, head_names
    from tasks.runs import read_json

    first = ArgumentParser(add_help=False)
    first.add_argument("--task", default="mnist_sum")
    first.add_argument("--resume")
    known, _ = first.parse_known_args(argv)
    task_name = known.task
    if known.resume and Path(known.resume, "config.json").exists():
        saved = read_json(Path(known.resume, "config.json"), f"--resume {known.resume}")
        task_name = saved.get("task", task_name) if isinstance(saved, dict) else task_name
    known_task = isinstance(task_name, str) and task_name in TASKS
    config_class = get_task(task_name).config_class if known_task else RunConfig
    parser = ArgumentParser(description=__doc__.strip().splitlines()[0])
    add_flags(parser, config_class, described={
        "task": f"one of {', '.join(sorted(TASKS))}",
        "core": f"recurrent core: {', '.join(core_names())}",
        "head": f"output head: {', '.join(head_names())}",
        **config_class.HELP,
    })
    return from_flags(config_class, parser.parse_args(argv))


def main(argv=None):
    from errors import UsageError

    try:
        config = parse(argv)
        from tasks import get_task
        from tasks.runner import run

        folder, results = run(config)
    except UsageError as error:
        fail(error)
    print(get_task(results["task"]).metrics_table(results["metrics"]))
    print(f"results: {folder / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
