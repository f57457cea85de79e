"""A sweep submitted to a two-node Ray cluster on this machine (started and stopped here)."""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def own_processes(token):
    """The processes whose environment carries this cluster's token: the ones it started."""
    import psutil

    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("RAY_AUTH_TOKEN") == token:
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


@contextlib.contextmanager
def ray_cluster():
    """A head and a second node on this machine, in their own temp dir and port; on exit only
    the processes they started are stopped (never `ray stop`, which stops every Ray process
    on the machine)."""
    pytest.importorskip("ray")
    import psutil

    ray = shutil.which("ray") or str(Path(sys.executable).parent / "ray")
    port, token = free_port(), secrets.token_hex(32)
    # the nodes and every driver share one token (Ray's token authentication)
    environment = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token,
                   "RAY_USAGE_STATS_ENABLED": "0"}
    # a short folder: Ray's sockets live there, and a socket path may not exceed 107 bytes
    temporary = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    head = ["--head", f"--port={port}", "--num-cpus=1", "--include-dashboard=false",
            f"--temp-dir={temporary}"]
    try:
        subprocess.run([ray, "start", *head], check=True, capture_output=True, env=environment,
                       timeout=180)
        subprocess.run([ray, "start", f"--address=127.0.0.1:{port}", "--num-cpus=1",
                        '--resources={"second_node": 1}'], check=True, capture_output=True,
                       env=environment, timeout=180)
        yield f"127.0.0.1:{port}", environment
    finally:
        processes = own_processes(token)
        for process in processes:
            with contextlib.suppress(psutil.Error):
                process.terminate()
        # a Ray process may ignore SIGTERM for long; a test cluster has nothing to save
        _, alive = psutil.wait_procs(processes, timeout=3)
        for process in alive:
            with contextlib.suppress(psutil.Error):
                process.kill()
        shutil.rmtree(temporary, ignore_errors=True)


@pytest.fixture
def two_nodes(monkeypatch):
    with ray_cluster() as (address, environment):
        for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_USAGE_STATS_ENABLED"):
            monkeypatch.setenv(name, environment[name])
        yield address


@pytest.mark.xdist_group("ray")
def test_the_cluster_stops_only_its_own_processes():
    """Stopping the test cluster leaves a process named like Ray's but not its own running."""
    import psutil

    bystander = subprocess.Popen(["bash", "-c", "exec -a raylet sleep 600"])
    try:
        with ray_cluster() as (_, environment):
            assert len(own_processes(environment["RAY_AUTH_TOKEN"])) >= 2
        assert bystander.poll() is None
        assert psutil.Process(bystander.pid).name() in ("raylet", "sleep")
        assert own_processes(environment["RAY_AUTH_TOKEN"]) == []
    finally:
        bystander.kill()
        bystander.wait()


NODES = """
import sys, ray
ray.init(address=sys.argv[1], logging_level="ERROR", log_to_driver=False)
alive = [node for node in ray.nodes() if node["Alive"]]
print(len(alive), sum("second_node" in node["Resources"] for node in alive))
"""


@pytest.mark.xdist_group("ray")
def test_a_sweep_on_a_two_node_cluster_returns_every_job(two_nodes, tmp_path):
    # drivers in their own processes: Ray reads its authentication settings when imported
    """A sweep on a two-node Ray cluster returns the result of every job."""
    nodes = subprocess.run([sys.executable, "-c", NODES, two_nodes], capture_output=True,
                           text=True, timeout=300, check=True)
    assert nodes.stdout.split() == ["2", "1"]  # two nodes, one of them the second
    done = subprocess.run(
        [sys.executable, str(ROOT / "sweep.py"), "--units", "nau", "--op", "add", "--seeds",
         "4", "--seeds-per-job", "1", "--steps", "300", "--engine", "ray", "--ray-address",
         two_nodes, "--out", str(tmp_path), "--name", "cluster", "--quiet", "--backend",
         "tensorflow"], capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "cluster" / "results.json").read_text())
    assert results["engine"] == "ray" and not results["failed_jobs"]
    assert [r["seed"] for r in results["per_seed"]["nau-nau/add"]] == [0, 1, 2, 3]
    assert len(list((tmp_path / "cluster" / "jobs").glob("*.json"))) == 4
