"""Run folders: created fresh (never reusing an earlier run's), and the one way files are
written: whole or not at all (`atomic_path`), so a kill at any moment leaves either the old
file or the new one, never half of one."""

import contextlib
import json
import os
import signal
from pathlib import Path

from errors import UsageError

# Fault tests (tests/test_faults.py) set this to a file name: the process kills itself with
# SIGKILL when that file is written whole but not yet renamed into place.
KILL_WHILE_WRITING = "NALU_KILL_WHILE_WRITING"


def new_run_folder(out, name):
    """`out/name`, or `out/name-2`, `-3`, ... when taken: an earlier run is never overwritten."""
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise UsageError("is a file, not a folder", "out", str(out))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file on the way, no permission, ...
        raise UsageError(f"cannot make that folder ({error.strerror})", "out", str(out)) from None
    candidate, number = root / name, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1
            candidate = root / f"{name}-{number}"


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path` (same suffix, so writers that check it accept it);
    when the block ends without an error it is renamed onto `path`, else removed."""
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield temporary
        if temporary.is_file():
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
        if os.environ.get(KILL_WHILE_WRITING) == path.name:
            os.kill(os.getpid(), signal.SIGKILL)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path, text):
    """Write `text` to `path`, whole or not at all."""
    with atomic_path(path) as temporary:
        temporary.write_text(text)


def write_json(path, payload, indent=2):
    write_text(path, json.dumps(payload, indent=indent) + "\n")


def read_json(path, what):
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise UsageError(f"{what}: {path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UsageError(f"{what}: {path} is not valid JSON") from None


def read_json_object(path, what, needs=()):
    """A JSON file that must hold an object with the keys `needs`; a UsageError otherwise."""
    payload = read_json(path, what)
    if not isinstance(payload, dict):
        raise UsageError(f"{what}: {path} holds a JSON {type(payload).__name__}, "
                         "not an object")
    missing = [key for key in needs if key not in payload]
    if missing:
        raise UsageError(f"{what}: {path} has no {', '.join(map(repr, missing))}")
    return payload
