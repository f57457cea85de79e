"""Score arithmetic units over many seeds.

    python sweep.py --task arith_static --op mul --units nac,nalu --seeds 100
    python sweep.py --backend tensorflow ...   # any installed Keras backend (default: auto)
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cli import ArgumentParser, fail, import_tensorflow_quietly, select_backend  # noqa: E402


def parse(argv=None):
    """The sweep's config: its fields are the flags (`tasks.arithmetic.sweep.SweepConfig`)."""
    from tasks.arithmetic.sweep import SweepConfig
    from tasks.config import add_flags, from_flags

    parser = ArgumentParser(description=__doc__.strip().splitlines()[0])
    add_flags(parser, SweepConfig)
    return from_flags(SweepConfig, parser.parse_args(argv))


def main(argv=None):
    from errors import UsageError

    try:
        select_backend(sys.argv[1:] if argv is None else argv)  # before Keras is imported
        import_tensorflow_quietly()
        config = parse(argv)
        from tasks.arithmetic.sweep import run_sweep

        run_sweep(config)
    except UsageError as error:
        fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
