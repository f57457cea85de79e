"""Where benchmark figures go: `docs/results/<name>.json` and a section of `docs/results.md`.

Every section is written by the script that measured it, with the command line, the commit,
the date, the machine (cores, CPU model) and the load average when it started (what ran
beside it). Re-running a script replaces its section and its JSON; the other sections stay.
"""

import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "results.md"
README = ROOT / "README.md"
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


def cpu_features():
    """The vector and matrix extensions the CPU reports (those that decide its speed here)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines()
                  if line.startswith("flags")), [])
    return [flag for flag in ("avx2", "avx512f", "avx512_bf16", "amx_tile") if flag in flags]


def machine():
    """The machine a figure was measured on, and how busy it was when measuring started."""
    try:
        load = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load = None
    return {"cores": os.cpu_count(), "cpu": cpu_model(), "cpu_features": cpu_features(),
            "system": platform.system(),
            "python": platform.python_version(), "load_average_at_start": load}


def commit():
    """HEAD's short hash, with `+changes` when the code in the working tree differs from it
    (the README and docs/, which the benchmarks write themselves, do not count)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs",
                  ":!README.md")
    return head + ("+changes" if changed else "")


def provenance(started_load=None):
    """Command, commit, date and machine of this benchmark run."""
    details = machine()
    if started_load is not None:
        details["load_average_at_start"] = started_load
    script = Path(sys.argv[0]).resolve()
    program = ("python -m " + ".".join(script.relative_to(ROOT).with_suffix("").parts)
               if script.is_relative_to(ROOT) else script.name)
    return {
        "command": " ".join([program, *sys.argv[1:]]),
        "commit": commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": details,
    }


def provenance_lines(meta):
    details = meta["machine"]
    load = details.get("load_average_at_start")
    beside = f"load average {load[0]} when it started" if load else "load not known"
    features = f" ({', '.join(details['cpu_features'])})" if details.get("cpu_features") else ""
    return (f"`{meta['command']}` at commit `{meta['commit']}`, {meta['date']}; "
            f"{details['cores']} cores, {details['cpu']}{features}, Python "
            f"{details['python']}; {beside}.")


def replace_block(path, name, block, header=""):
    """Replace the text between `<!-- begin name -->` and `<!-- end name -->` in `path`
    (appended when missing; `header` starts a new file)."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    text = path.read_text() if path.exists() else header
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    section = f"{begin}\n{block.strip()}\n{end}"
    text = pattern.sub(lambda _: section, text) if pattern.search(text) \
        else text.rstrip() + "\n\n" + section + "\n"
    from tasks.runs import write_text  # imports Keras: only once the backend is chosen

    write_text(path, text)


def publish(name, title, payload, markdown, meta, headline=None):
    """Write `docs/results/<name>.json`, replace the section `name` of docs/results.md and,
    with `headline`, the README's block `name` (where the README has one)."""
    folder = RESULTS.parent / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    from tasks.runs import write_json

    write_json(path, {**meta, **payload})
    replace_block(RESULTS, name, f"## {title}\n\n{provenance_lines(meta)}\n\n"
                  f"{markdown.strip()}\n\nData: [`docs/results/{name}.json`](results/{name}.json)",
                  RESULTS_HEADER)
    if headline is not None and f"<!-- begin {name} -->" in README.read_text():
        replace_block(README, name, f"{headline.strip()}\n\n({meta['date']}, commit "
                      f"`{meta['commit']}`, {meta['machine']['cores']} cores, "
                      f"{meta['machine']['cpu']}; [details](docs/results.md))")
    print(f"results: {path} and the section '{title}' of {RESULTS}")
    return path
