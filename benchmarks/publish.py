"""Where benchmark figures go: `docs/results/<name>.json` and a section of `docs/results.md`.

Every section is written by the script that measured it, with the command line, the commit,
the date, the machine (cores, CPU model) and the load average when it started (what ran
beside it). Re-running a script replaces its section and its JSON; the other sections stay.
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "results.md"
RESULTS_HEADER = """# Results

Every section below is written by the benchmark script named in it; re-running the script
replaces its section. Nothing here is typed by hand.
"""


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """The machine a figure was measured on, and how busy it was when measuring started."""
    try:
        load = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load = None
    return {"cores": os.cpu_count(), "cpu": cpu_model(), "system": platform.system(),
            "python": platform.python_version(), "load_average_at_start": load}


def commit():
    """HEAD's short hash, with `+changes` when the working tree differs from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def provenance(started_load=None):
    """Command, commit, date and machine of this benchmark run."""
    details = machine()
    if started_load is not None:
        details["load_average_at_start"] = started_load
    return {
        "command": "python -m " + " ".join(
            [Path(sys.argv[0]).with_suffix("").relative_to(ROOT).as_posix().replace("/", "."),
             *sys.argv[1:]]) if Path(sys.argv[0]).resolve().is_relative_to(ROOT)
        else " ".join(sys.argv),
        "commit": commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": details,
    }


def provenance_lines(meta):
    details = meta["machine"]
    load = details.get("load_average_at_start")
    beside = f"load average {load[0]} when it started" if load else "load not known"
    return (f"`{meta['command']}` at commit `{meta['commit']}`, {meta['date']}; "
            f"{details['cores']} cores, {details['cpu']}, Python {details['python']}; {beside}.")


def publish(name, title, payload, markdown, meta):
    """Write `docs/results/<name>.json` and replace the section `name` of docs/results.md."""
    folder = RESULTS.parent / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({**meta, **payload}, indent=2) + "\n")
    os.replace(temporary, path)
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    section = (f"{begin}\n## {title}\n\n{provenance_lines(meta)}\n\n{markdown.strip()}\n\n"
               f"Data: [`docs/results/{name}.json`](results/{name}.json)\n{end}")
    text = RESULTS.read_text() if RESULTS.exists() else RESULTS_HEADER
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) \
        else text.rstrip() + "\n\n" + section + "\n"
    temporary = RESULTS.with_suffix(".md.tmp")
    temporary.write_text(text)
    os.replace(temporary, RESULTS)
    print(f"results: {path} and the section '{title}' of {RESULTS.relative_to(ROOT)}")
    return path
