"""Indexing on a real Ray cluster: a head node and a worker node started as separate processes
on loopback, the real packaged model in the workers, the real ``dateline index`` command.

The index written through the cluster must be the one a local run writes: same article ids,
same chunk offsets, vectors within float noise, same search results.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from dateline.index import Searcher, Store
from tests.conftest import free_port

pytest.importorskip("ray")
pytestmark = pytest.mark.ray

BIN = Path(sys.executable).parent
PLACES = ["Seoul", "Busan", "Kyiv", "Lagos", "Lima", "Oslo", "Hanoi", "Quito", "Accra", "Riga"]
THINGS = ["bridge", "port", "rail line", "power plant", "school", "hospital"]


def _articles(n: int, start: int = 0) -> list[dict[str, str]]:
    """``n`` short dated news items, one chunk each, all different."""
    out = []
    for i in range(start, start + n):
        place, thing = PLACES[i % len(PLACES)], THINGS[i // len(PLACES) % len(THINGS)]
        out.append(
            {
                "id": f"item-{i}",
                "title": f"{place} opens a new {thing}",
                "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "text": f"Officials in {place} opened a new {thing} on Monday after {2 + i % 9} "
                f"years of work. The project cost {100 + i} million dollars and employs "
                f"{(i * 37) % 900 + 50} people. Critics said the {thing} was {i % 5 + 1} "
                "years late, and the city council promised a review.",
            }
        )
    return out


def _write(folder: Path, name: str, articles: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def _env(tmp: Path) -> dict[str, str]:
    # token authentication on, with a token of the test's own (Ray's default is a file in ~)
    token = tmp / "ray-token"
    if not token.exists():
        token.write_text(os.urandom(16).hex())
    return {
        **os.environ,
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN_PATH": str(token),
        "HF_HUB_OFFLINE": "1",
    }


def _node(args: list[str], env: dict[str, str], temp: Path) -> subprocess.Popen[bytes]:
    # --block keeps the node in the foreground: stopping this process stops that node only;
    # its own --temp-dir keeps its sockets, logs and address file out of /tmp/ray
    return subprocess.Popen(
        [str(BIN / "ray"), "start", "--block", "--disable-usage-stats", "--num-cpus", "1",
         "--object-store-memory", str(100 * 2**20), "--node-ip-address", "127.0.0.1",
         "--temp-dir", str(temp), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _stop(node: subprocess.Popen[bytes]) -> None:
    if node.poll() is None:
        os.killpg(node.pid, signal.SIGTERM)
        try:
            node.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A two-node Ray cluster on loopback (one CPU per node): its address and environment."""
    tmp = tmp_path_factory.mktemp("ray")
    env, port = _env(tmp), free_port()
    head = _node(["--head", "--port", str(port), "--include-dashboard", "false"], env, tmp / "t")
    address = f"127.0.0.1:{port}"
    worker = None
    try:
        _wait_for_nodes(address, env, 1, head)
        worker = _node(["--address", address], env, tmp / "t")
        _wait_for_nodes(address, env, 2, worker)
        yield address, env
    finally:
        for node in (worker, head):
            if node is not None:
                _stop(node)


def _wait_for_nodes(
    address: str, env: dict[str, str], n: int, node: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert node.poll() is None, "a Ray node exited while starting"
        status = subprocess.run(
            [str(BIN / "ray"), "status", "--address", address],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if status.returncode == 0 and status.stdout.count(" node_") >= n:
            return
        time.sleep(1)
    raise AssertionError(f"the Ray cluster at {address} did not reach {n} nodes")


def _dateline(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "dateline"), *args], env=env, capture_output=True, text=True, timeout=900,
        check=False,
    )  # fmt: skip


def _same_index(local: Path, remote: Path) -> None:
    """Same ids, same chunks and offsets, vectors within float noise, same searches."""
    a, b = Store.open(local), Store.open(remote)
    assert a.article_ids() == b.article_ids()
    assert [(r.id, r.article_id, r.start, r.end, r.text_hash) for r in a.rows] == [
        (r.id, r.article_id, r.start, r.end, r.text_hash) for r in b.rows
    ]
    va, vb = a.vectors.array, b.vectors.array
    assert va.shape == vb.shape
    cosines = np.sum(va * vb, axis=1) / np.linalg.norm(va, axis=1) / np.linalg.norm(vb, axis=1)
    assert cosines.min() >= 0.9999
    sa, sb = Searcher.open(local), Searcher.open(remote)
    for query in ["new bridge in Seoul", "hospital cost million dollars", "rail line late"]:
        ids_a = [h.chunk.article_id for h in sa.search(query, 5)]
        assert ids_a == [h.chunk.article_id for h in sb.search(query, 5)]


def test_the_cluster_writes_the_index_a_local_run_writes(
    cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = cluster
    articles = tmp_path / "articles"
    _write(articles, "wire-a.jsonl", _articles(150))
    _write(articles, "wire-b.jsonl", _articles(150, start=150))
    local = _dateline("index", str(articles), "--index", str(tmp_path / "local"), "-q", env=env)
    assert local.returncode == 0, local.stderr
    ray_args = ["--ray", address, "--ray-workers", "2", "--ray-batch", "16", "-q"]
    run = _dateline("index", str(articles), "--index", str(tmp_path / "ray"), *ray_args, env=env)
    assert run.returncode == 0, run.stderr
    assert "300 added" in run.stdout
    assert f"the Ray cluster at {address}" in run.stderr
    _same_index(tmp_path / "local", tmp_path / "ray")

    # incremental: known chunks are not sent again; only the new file's are embedded
    _write(articles, "wire-c.jsonl", _articles(20, start=300))
    again = _dateline("index", str(articles), "--index", str(tmp_path / "ray"), *ray_args, env=env)
    assert again.returncode == 0, again.stderr
    assert "20 added, 300 unchanged" in again.stdout
    assert "(20 chunks embedded, 0 reused)" in again.stdout


def test_a_worker_killed_mid_run_is_replaced(
    cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = cluster
    articles = tmp_path / "articles"
    _write(articles, "wire.jsonl", _articles(600))
    local = _dateline("index", str(articles), "--index", str(tmp_path / "local"), "-q", env=env)
    assert local.returncode == 0, local.stderr
    run = subprocess.Popen(
        [str(BIN / "dateline"), "index", str(articles), "--index", str(tmp_path / "ray"),
         "--ray", address, "--ray-workers", "2", "--ray-batch", "8", "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    killed, before, after = None, set(), set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        workers = _embedding_workers()
        if killed is None and workers:
            time.sleep(3)  # let it load the model and take a batch
            before = set(_embedding_workers())
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
        elif killed is not None:
            after |= set(workers) - before  # the actor Ray starts in its place
        time.sleep(0.2)
    out, err = run.communicate(timeout=900)
    assert killed is not None, "no embedding worker was seen to kill"
    assert after, "no embedding worker was started in place of the killed one"
    assert run.returncode == 0, err
    assert "600 added" in out
    _same_index(tmp_path / "local", tmp_path / "ray")


# the driver, with its first put of new rows held until Ctrl+C: the signal lands after a
# block was embedded and put, before it is saved, however fast or slow the workers are
_HELD_DRIVER = """
import sys, time
from pathlib import Path
from dateline.index.store import Store
from dateline.ui.cli import main

put = Store.put

def put_then_wait(self, items):
    put(self, items)
    Path(sys.argv[1]).touch()
    time.sleep(600)

Store.put = put_then_wait
sys.exit(main(sys.argv[2:]))
"""


def test_an_interrupted_driver_leaves_a_good_index_and_resumes(
    cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = cluster
    articles, index = tmp_path / "articles", tmp_path / "ray"
    _write(articles, "a.jsonl", _articles(200))
    first = _dateline("index", str(articles), "--index", str(index), "-q", env=env)
    assert first.returncode == 0, first.stderr  # a saved index of 200 articles
    _write(articles, "b.jsonl", _articles(200, start=200))
    args = ["index", str(articles), "--index", str(index), "--ray", address, "--ray-batch", "8",
            "-q"]  # fmt: skip
    held, driver = tmp_path / "put", tmp_path / "held_driver.py"
    driver.write_text(_HELD_DRIVER, encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, str(driver), str(held), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not held.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held.exists(), run.communicate(timeout=60)[1] if run.poll() is not None else "no put"
    run.send_signal(signal.SIGINT)  # Ctrl+C, with the new rows put but not saved
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert "Interrupted; the index keeps everything saved so far." in err
    check = _dateline("check", "--index", str(index), env=env)
    assert check.returncode == 0, check.stderr
    assert sorted(Store.open(index).article_ids()) == sorted(f"item-{i}" for i in range(200))
    again = _dateline(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert "200 added, 200 unchanged" in again.stdout, again.stdout
    assert sorted(Store.open(index).article_ids()) == sorted(f"item-{i}" for i in range(400))


def _embedding_workers() -> list[int]:
    """Process ids of Ray Data's embedding actors on this machine."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"MapBatches(_Embed)" in title:
            found.append(int(proc.name))
    return found


def test_an_unreachable_cluster_is_one_clear_line(tmp_path: Path) -> None:
    articles = _write(tmp_path, "wire.jsonl", _articles(2))
    address = f"127.0.0.1:{free_port()}"
    run = _dateline(
        "index", str(articles), "--index", str(tmp_path / "i"), "--ray", address,
        env=_env(tmp_path),
    )  # fmt: skip
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert f"cannot reach the Ray cluster at {address}" in errors[0]
    assert "ray start --head" in errors[0]
    assert not Store.exists(tmp_path / "i")
