"""One job runner for everything that is a grid: sweeps and the benchmark grids.

A job is a named call `module:function(**arguments)` that returns something JSON can hold.
`run_jobs` runs a list of them on an engine and writes each result, as it arrives, to
`<folder>/<job name>.json` (written whole or not at all); a job whose file exists is not run
again, so a grid that was stopped picks up where it was. Engines:

- `local` (default): in this process, one job after the other.
- `ray`: on Ray (`pip install -e ".[ray]"`). With no address an embedded Ray starts on this
  machine; `address="HOST:PORT"` (or RAY_ADDRESS) joins a running cluster, to which the
  checkout is shipped as the jobs' working directory. Each job asks for its `cpus` (and
  `gpus`); a worker that dies mid-job is retried by Ray up to `retries` times; a job that
  keeps failing is reported by name with its error while the others complete.

A new engine is one function added to `ENGINES`.
"""

import dataclasses
import importlib
import os
import socket
import sys
import time
from pathlib import Path

from errors import UsageError
from tasks.runs import read_json, write_json

ROOT = Path(__file__).resolve().parents[1]
# what a cluster's workers do not need from the checkout
SHIPPED_EXCLUDES = [".git", "runs", "sweeps", "reports", "docs", "*.keras", "__pycache__"]


@dataclasses.dataclass(frozen=True)
class Job:
    name: str  # unique within a grid; the result's file name
    function: str  # "package.module:function", importable from the checkout
    arguments: dict
    cpus: float = 1.0
    gpus: float = 0.0


def execute(function, arguments):
    """Run one job's call (in whichever process the engine chose)."""
    module, name = function.split(":")
    return getattr(importlib.import_module(module), name)(**arguments)


def write_result(folder, name, result):
    """`<folder>/<name>.json`, written whole or not at all."""
    write_json(Path(folder) / f"{name}.json", result, indent=1)
    with open(Path(folder) / "written.log", "a") as log:  # one line per result written
        log.write(name + "\n")


def read_results(folder, jobs):
    """The results of the jobs done in `folder`; a UsageError naming a corrupt one."""
    results = {}
    for job in jobs:
        path = Path(folder) / f"{job.name}.json"
        if path.exists():
            results[job.name] = read_json(path, f"job {job.name}")
    return results


class Progress:
    """A bar over the jobs: done / running / failed (nothing when quiet)."""

    def __init__(self, total, done, quiet):
        from tasks.progress import bar

        self.bar = bar(total, "jobs", quiet, unit="job", initial=done)
        self.failed = 0

    def update(self, running, finished=0, failed=0):
        self.failed += failed
        self.bar.set_postfix_str(f"running {running}, failed {self.failed}")
        self.bar.update(finished + failed)

    def close(self):
        self.bar.close()


def run_local(jobs, folder, progress, **_):
    failures = {}
    for job in jobs:
        progress.update(running=1)
        try:
            write_result(folder, job.name, execute(job.function, job.arguments))
            progress.update(running=0, finished=1)
        except UsageError:
            raise
        except Exception as error:  # noqa: BLE001  (reported by name; the grid goes on)
            failures[job.name] = f"{type(error).__name__}: {error}"
            progress.update(running=0, failed=1)
    return failures


def check_address(address, timeout=3.0):
    """A UsageError within seconds when nothing listens at HOST:PORT."""
    host, _, port = address.rpartition(":")
    if address.startswith("ray://"):
        host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return
    except (OSError, ValueError):
        raise UsageError(f"--ray-address {address}: no Ray cluster answers there "
                         "(start one with `ray start --head`)") from None


def check_engine(engine, address=None):
    """A UsageError, before anything is written, for an unknown engine, an address without
    Ray, Ray not installed, or an address where no cluster answers."""
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine}: choose from {', '.join(ENGINES)}")
    if address and engine != "ray":
        raise UsageError(f"--ray-address {address}: needs --engine ray")
    if engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            raise UsageError('--engine ray: Ray is not installed (pip install -e ".[ray]")')
        if address:
            check_address(address)


def run_ray(jobs, folder, progress, address=None, retries=2):
    import ray

    address = address or os.environ.get("RAY_ADDRESS")
    environment = {key: os.environ[key] for key in ("KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL",
                                                    "CUDA_VISIBLE_DEVICES", "NALU_XLA")
                   if key in os.environ}
    if "keras" in sys.modules:  # the workers run on the driver's backend
        environment["KERAS_BACKEND"] = sys.modules["keras"].backend.backend()
    if address:
        runtime = {"working_dir": str(ROOT), "excludes": SHIPPED_EXCLUDES,
                   "env_vars": environment}
    else:  # this machine: the workers import from the checkout in place
        runtime = {"env_vars": {**environment, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}}
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, runtime_env=runtime, include_dashboard=False,
                 logging_level="ERROR", log_to_driver=False,
                 configure_logging=True)
    remote = ray.remote(max_retries=retries, retry_exceptions=False)(execute)
    pending = {remote.options(num_cpus=job.cpus, num_gpus=job.gpus,
                              name=job.name).remote(job.function, job.arguments): job
               for job in jobs}
    failures = {}
    try:
        while pending:
            progress.update(running=len(pending))
            [ready], _ = ray.wait(list(pending), num_returns=1)
            job = pending.pop(ready)
            try:
                write_result(folder, job.name, ray.get(ready))
                progress.update(running=len(pending), finished=1)
            except ray.exceptions.RayError as error:
                cause = getattr(error, "cause", None) or error
                failures[job.name] = f"{type(cause).__name__}: {str(cause).splitlines()[0]}"
                progress.update(running=len(pending), failed=1)
    finally:
        if started_here:
            ray.shutdown()
    return failures


ENGINES = {"local": run_local, "ray": run_ray}


def run_jobs(jobs, folder, engine="local", address=None, retries=2, quiet=False):
    """Run the jobs not done yet in `folder`; returns (results by name, failures by name).

    Results already in `folder` are read, not recomputed."""
    check_engine(engine, address or os.environ.get("RAY_ADDRESS") if engine == "ray"
                 else address)
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ValueError("job names must be unique")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    done = read_results(folder, jobs)  # a corrupt result fails here, before any job runs
    todo = [job for job in jobs if job.name not in done]
    progress = Progress(len(jobs), len(jobs) - len(todo), quiet)
    started = time.perf_counter()
    try:
        failures = ENGINES[engine](todo, folder, progress, address=address, retries=retries) \
            if todo else {}
    finally:
        progress.close()
    results = read_results(folder, jobs)
    return results, failures, time.perf_counter() - started
