"""`make cluster` stops everything it started, however it is stopped: the supervising loop of
avrentals/cluster.py run in a real process over real child process groups (stand-ins for
nginx and the instances: sleeping interpreters), stopped by SIGTERM, SIGHUP or a child's exit.
(tests/e2e/test_zy_cluster.py runs the real nginx and instances.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SUPERVISOR = """
import sys
from pathlib import Path

from avrentals.cluster import Cluster, _spawn, _stop_on_signals, serve_until_stopped

run = Path(sys.argv[1])
lives = {"nginx": 120, "instance-a": 120, "instance-b": float(sys.argv[2])}
_stop_on_signals()
started = [
    _spawn(name, "", [sys.executable, "-c", f"import time; time.sleep({s})"], {}, run / name)
    for name, s in lives.items()
]
(run / "pids").write_text(" ".join(str(p.popen.pid) for p in started))
raise SystemExit(serve_until_stopped(Cluster(started[0], started[1:], {}, run)))
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def supervise(tmp_path: Path, instance_b_lives_s: float) -> tuple[subprocess.Popen, list[int]]:
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, str(tmp_path), str(instance_b_lives_s)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not (tmp_path / "pids").exists():
        assert supervisor.poll() is None, supervisor.communicate()[0]
        assert time.monotonic() < deadline, "the supervisor did not start its processes"
        time.sleep(0.05)
    pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
    assert all(alive(pid) for pid in pids)
    return supervisor, pids


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_stops_nginx_and_every_instance(tmp_path: Path, signum: int) -> None:
    supervisor, pids = supervise(tmp_path, 120)
    supervisor.send_signal(signum)
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 0, output
    assert [pid for pid in pids if alive(pid)] == []


def test_an_instance_that_exits_stops_the_rest(tmp_path: Path) -> None:
    supervisor, pids = supervise(tmp_path, 1)
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 1
    assert "A process exited; stopping the cluster." in output
    assert [pid for pid in pids if alive(pid)] == []
