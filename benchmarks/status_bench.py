"""`status` against one `kubectl get`, in one run (at most 4x).

    python benchmarks/status_bench.py [--runs N]      (also part of benchmarks/run.py)

Two loopback stand-in API servers (tests/kube_standin.py), each holding one mesh with five
ServiceMeshPeers and everything around them (SMCP, gateway Services and pods, CA ConfigMaps, service
sets). Runs interleaved, medians of N:

kubectl_get_ms  one `kubectl get servicemeshpeers -o json` on one of them: what a user runs by hand
                today, per cluster (process start, discovery, one list).
status_ms       `smfed-wizard status --context red --context green --format json` as a user runs
                it: a fresh process (Python start and imports), both clusters read in parallel (one
                kubectl call each, seven kinds), the analysis and the report.
status_ratio    status_ms / kubectl_get_ms; target <= 4.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(os.path.dirname(HERE), "tests")
PEERS = ("green-mesh", "blue-mesh", "amber-mesh", "violet-mesh", "teal-mesh")


def _objects(own, peers):
    import status_scenario as s
    objects = []
    for index, peer in enumerate(peers):
        for obj in s.side(own, peer, own_lb={"ip": f"198.51.100.{10 + index}"}, peer_addresses=["203.0.113.20"],
                          status=s.discovery(True), peer_root=s.ROOT["green"], exports=[("bookinfo", "ratings")],
                          import_rules=[("bookinfo", "reviews")], imported=[("bookinfo", "reviews")],
                          own_root=s.ROOT["red"]):
            if obj["kind"] != "ServiceMeshControlPlane" or index == 0:
                objects.append(obj)
    return objects


def _kubectl() -> str:
    import shutil
    found = shutil.which("kubectl", path=os.path.dirname(sys.executable)) or shutil.which("kubectl")
    if not found:
        raise SystemExit("no kubectl next to the Python interpreter or on PATH: pip install -e '.[test]'")
    return found


def _timed(argv: list[str], env: dict) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True)
    elapsed = (time.perf_counter() - started) * 1000
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed


def measure_status(runs: int = 7) -> dict:
    sys.path.insert(0, TESTS)
    import status_scenario as s
    from kube_standin import KubeStandIn

    kubectl = _kubectl()
    red, green = KubeStandIn().start(), KubeStandIn().start()
    others = [s.Mesh(name, f"{name}-system", name) for name in PEERS]
    try:
        for obj in _objects(s.RED, others):
            red.lists.put(obj)
        for obj in _objects(s.GREEN, [s.RED] + others[1:]):
            green.lists.put(obj)
        with tempfile.TemporaryDirectory() as tmp:
            config = os.path.join(tmp, "kubeconfig")
            with open(config, "w", encoding="utf-8") as fh:
                fh.write(s.KUBECONFIG.format(red=red.url, green=green.url, dead=s._dead_port()))
            env = dict(os.environ, KUBECONFIG=config, HOME=tmp, NO_COLOR="1")
            get = [kubectl, "get", "servicemeshpeers", "--output=json", "--context=red", "--request-timeout=20s"]
            status = [sys.executable, "-m", "smfed_tui", "status", "--context", "red", "--context", "green",
                      "--format", "json", f"--kubectl={kubectl}"]
            _timed(get, env)          # warm the discovery cache once, as a user's own cache is warm
            _timed(status, env)
            gets, statuses = [], []
            for _ in range(runs):
                gets.append(_timed(get, env))
                statuses.append(_timed(status, env))
    finally:
        red.stop()
        green.stop()
    get_ms, status_ms = statistics.median(gets), statistics.median(statuses)
    return {"kubectl_get_ms": round(get_ms, 1), "status_ms": round(status_ms, 1),
            "status_ratio": round(status_ms / get_ms, 2), "status_runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    for key, value in measure_status(args.runs).items():
        print(f"{key:16} {value}")
    print(f"{'load_average_1m':16} {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
