"""Run folders: created fresh (never reusing an earlier run's), written atomically."""

import json
import os
from pathlib import Path

from errors import UsageError


def new_run_folder(out, name):
    """`out/name`, or `out/name-2`, `-3`, ... when taken: an earlier run is never overwritten."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    candidate, number = root / name, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1
            candidate = root / f"{name}-{number}"


def write_json(path, payload):
    """Write JSON through a temporary file and a rename, so a reader never sees half a file."""
    path = Path(path)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    os.replace(temporary, path)


def read_json(path, what):
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise UsageError(f"{what}: {path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UsageError(f"{what}: {path} is not valid JSON") from None
