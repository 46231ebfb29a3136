"""Benchmark: a 20-mesh full-mesh topology (380 peerings) generated, written and validated.

    python benchmarks/topology_bench.py [--json] [--meshes N] [--repeat R]

Runs `smfed-wizard topology TOPO -o DIR` and then `smfed-wizard validate DIR/*/*.yaml` in this process
(through `cli.main`, as a user would), and times each phase. Target: the whole under 3 s.
Half of the meshes are NodePort, so node port assignment and the NodePort cross-checks are exercised.
Every mesh names a root certificate file, as a real fleet's topology does: without one its peers' CA
ConfigMaps hold a placeholder, which validate rightly reports as an error (it breaks the peer's TLS).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from smfed_tui.cli import main  # noqa: E402

TARGET_SECONDS = 3.0
ROOT_CERT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "federation",
                         "red-root-cert.pem")


def topology_text(meshes: int) -> str:
    lines = ["meshes:"]
    for n in range(meshes):
        lines += [f"  - name: mesh-{n:02d}",
                  f"    exposure: {'NodePort' if n % 2 else 'LoadBalancer'}",
                  f"    addresses: [198.51.100.{n + 1}]",
                  "    rootCertFile: root.pem"]
        if n % 2:
            lines.append(f"    nodePortBase: {30000 + 40 * n}")
        if n % 5 == 0:
            lines.append(f"    exports: [app-{n}/*]")
    lines.append("federate: all")
    return "\n".join(lines) + "\n"


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def once(meshes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="smfed-bench-") as tmp:
        topo = os.path.join(tmp, "topology.yaml")
        with open(topo, "w", encoding="utf-8") as fh:
            fh.write(topology_text(meshes))
        with open(ROOT_CERT, encoding="utf-8") as src, open(os.path.join(tmp, "root.pem"), "w", encoding="utf-8") as dst:
            dst.write(src.read())
        out_dir = os.path.join(tmp, "out")
        start = time.perf_counter()
        rc, _out, err = run_cli(["topology", topo, "-o", out_dir])
        generated = time.perf_counter()
        if rc != 0:
            raise SystemExit(f"topology failed ({rc}):\n{err}")
        files = sorted(os.path.join(out_dir, m, f) for m in os.listdir(out_dir) for f in ("smcp.yaml", "federation.yaml"))
        rc, out, _err = run_cli(["validate", "--format", "json", *files])
        validated = time.perf_counter()
        findings = json.loads(out)
        errors = [f for f in findings if f["severity"] == "error"]
        peers = sum(open(f, encoding="utf-8").read().count("kind: ServiceMeshPeer\n") for f in files)
        return {"generate_seconds": generated - start, "validate_seconds": validated - generated,
                "total_seconds": validated - start, "validate_exit": rc, "errors": len(errors),
                "findings": len(findings), "files": len(files), "peerings": peers,
                "bytes": sum(os.path.getsize(f) for f in files)}


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--meshes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported (after one warm-up)")
    args = parser.parse_args()
    once(args.meshes)  # warm-up: imports, caches
    runs = [once(args.meshes) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["total_seconds"])
    result = {"benchmark": "topology", "meshes": args.meshes, "runs": args.repeat, **best,
              "median_total_seconds": sorted(r["total_seconds"] for r in runs)[len(runs) // 2],
              "target_seconds": TARGET_SECONDS}
    result["ok"] = result["total_seconds"] < TARGET_SECONDS and result["errors"] == 0 and \
        result["peerings"] == args.meshes * (args.meshes - 1)
    for key, value in result.items():
        if isinstance(value, float):
            result[key] = round(value, 3)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.meshes} meshes, {result['peerings']} peerings, {result['files']} files ({result['bytes']:,} bytes): "
              f"generate {result['generate_seconds']} s, validate {result['validate_seconds']} s, "
              f"total {result['total_seconds']} s (target < {TARGET_SECONDS} s), {result['errors']} errors")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main_bench())
