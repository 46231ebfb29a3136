"""`smfed-wizard validate` over 200 SMCP files in one process: target under 1 s in total.

    python benchmarks/validate_bench.py [--json] [--files N] [--runs N] [--keep DIR]

Writes N varied SMCP files (1-10 peers each, about a third NodePort with fixed node ports, some
with extra non-federation settings and comments, about a quarter with a planted mistake) into a
temporary directory, then times ONE `smfed-wizard validate --format json FILE...` subprocess over all
of them, median of --runs. In the same run it times two baselines, so the result reads as ratios on
whatever machine runs it:
- `python -c "import yaml"`: starting an interpreter at all;
- `python -c` loading every file with yaml.safe_load (PyYAML's pure loader, what a naive checker
  would do; the C loader is timed too).
It also checks that every planted mistake is reported at its exact line and column, so the speed is
not bought by dropping positions. Exit status 1 when the target is missed or a planted finding is
missing (the numbers are printed either way).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_SECONDS = 1.0
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

EXTRA = """\
  addons:
    grafana:
      enabled: true
    kiali:
      enabled: true
    prometheus:
      enabled: true
  tracing:
    type: Jaeger
    sampling: 10000
  proxy:
    accessLogging:
      file:
        name: /dev/stdout
"""

# (code, old text, new text, the token the finding must point at): each applied to the first match.
MISTAKES = [
    ("SMF041", "            name: http-discovery\n", "            name: discovery\n", "discovery"),
    ("SMF030", "        enabled: true\n        requestedNetworkView:", "        requestedNetworkView:", None),
    ("SMF081", "    additionalIngress:\n", "    additionalIgress:\n", "additionalIgress"),
    ("SMF011", "      domain: ", "      domain: cluster.local\n      x: ", "cluster.local"),
    ("SMF070", "        - network-", "        - x-network\n        - network-", "x-network"),
    ("SMF095", "          type: LoadBalancer\n", "          type: Loadbalancer\n", "Loadbalancer"),
]


def make_files(directory: str, count: int, seed: int = 2024) -> list[dict]:
    """Write `count` files; return what was planted: [{file, code, line, column}]."""
    from smfed_tui.edit import generate_text
    from smfed_tui.model import Mesh, Peer

    rng = random.Random(seed)
    planted = []
    next_port = 30000
    for n in range(count):
        peers = []
        for p in range(rng.randint(1, 10)):
            peer = Peer.new(f"mesh-{n:03d}-peer-{p}")
            if rng.random() < 0.35:
                peer = peer.with_exposure(service_type="NodePort", tls_node_port=next_port,
                                          discovery_node_port=next_port + 1)
                next_port += 2
            if rng.random() < 0.5:
                peer = peer.with_exposure(route_enabled=False)
            peers.append(peer)
        mesh = Mesh.new(f"mesh-{n:03d}", version=rng.choice(["v2.4", "v2.5", "v2.6"]), peers=tuple(peers))
        text = generate_text(mesh)
        if rng.random() < 0.4:
            text = "# control plane for " + mesh.name + "\n" + text.replace("  gateways:\n", EXTRA + "  gateways:\n")
        path = os.path.join(directory, f"smcp-{n:03d}.yaml")
        if rng.random() < 0.25:
            code, old, new, token = rng.choice([m for m in MISTAKES if m[1] in text])
            at = text.index(old)
            text = text[:at] + new + text[at + len(old):]
            if token is None:  # SMF030 points at the gateway's key, the line above
                line_start = text.rfind("\n", 0, text.rfind("\n", 0, at)) + 1
                index = line_start + len(text[line_start:]) - len(text[line_start:].lstrip(" "))
            else:
                index = text.index(token, at)
            line = text.count("\n", 0, index) + 1
            planted.append({"file": path, "code": code, "line": line, "column": index - text.rfind("\n", 0, index)})
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return planted


def command() -> list[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "smfed-wizard")
    if os.path.exists(exe):
        return [exe]
    found = shutil.which("smfed-wizard")
    return [found] if found else [sys.executable, "-m", "smfed_tui"]


def timed(argv: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    return time.perf_counter() - start, proc


SAFE_LOAD_ALL = """
import sys, yaml
Loader = yaml.CSafeLoader if sys.argv[1] == "c" else yaml.SafeLoader
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as fh:
        list(yaml.load_all(fh, Loader=Loader))
"""


def run_benchmark(files: int = 200, runs: int = 3, keep: str | None = None) -> dict:
    directory = keep or tempfile.mkdtemp(prefix="smfed-validate-bench-")
    os.makedirs(directory, exist_ok=True)
    try:
        planted = make_files(directory, files)
        paths = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".yaml"))[:files]
        validate = command() + ["validate", "--format", "json", *paths]
        baselines = {
            "python_import_yaml": [sys.executable, "-c", "import yaml"],
            "safe_load_all_files": [sys.executable, "-c", SAFE_LOAD_ALL, "py", *paths],
            "csafe_load_all_files": [sys.executable, "-c", SAFE_LOAD_ALL, "c", *paths],
        }
        times: dict[str, list[float]] = {"validate": [], **{k: [] for k in baselines}}
        output = None
        for _ in range(runs):  # interleaved, so a slow moment of the machine hits all of them
            seconds, proc = timed(validate)
            if proc.returncode not in (0, 1) or b"Traceback" in proc.stderr:
                raise RuntimeError(f"validate exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
            times["validate"].append(seconds)
            output = proc.stdout
            for name, argv in baselines.items():
                seconds, proc = timed(argv)
                if proc.returncode != 0:
                    raise RuntimeError(f"{name} failed: {proc.stderr.decode()[-2000:]}")
                times[name].append(seconds)
        findings = json.loads(output)
        by_severity = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "hint")}
        reported = {(f["file"], f["code"], f["line"], f["column"]) for f in findings}
        missing = [p for p in planted if (p["file"], p["code"], p["line"], p["column"]) not in reported]
        median = {k: statistics.median(v) for k, v in times.items()}
        total = median["validate"]
        return {
            "files": len(paths),
            "lines": sum(sum(1 for _ in open(p, encoding="utf-8")) for p in paths),
            "runs": runs,
            "validate_seconds": round(total, 4),
            "validate_runs": [round(t, 4) for t in times["validate"]],
            "findings": len(findings),
            "findings_by_severity": by_severity,
            "every_finding_has_line_and_column": all(isinstance(f["line"], int) and isinstance(f["column"], int)
                                                     for f in findings),
            "planted_mistakes": len(planted),
            "planted_found_at_exact_position": len(planted) - len(missing),
            "missing": missing,
            "baseline_seconds": {k: round(median[k], 4) for k in baselines},
            "ratio_to_python_import_yaml": round(total / median["python_import_yaml"], 2),
            "ratio_to_safe_load_all_files": round(total / median["safe_load_all_files"], 2),
            "ratio_to_csafe_load_all_files": round(total / median["csafe_load_all_files"], 2),
            "target_seconds": TARGET_SECONDS,
            "target_met": total < TARGET_SECONDS,
        }
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="write the files to DIR and keep them")
    args = parser.parse_args(argv)
    result = run_benchmark(args.files, args.runs, args.keep)
    ok = result["target_met"] and not result["missing"] and result["every_finding_has_line_and_column"]
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        base = result["baseline_seconds"]
        print(f"validate over {result['files']} files ({result['lines']} lines), one process, median of "
              f"{result['runs']}: {result['validate_seconds']:.3f} s (target < {TARGET_SECONDS:.0f} s: "
              f"{'met' if result['target_met'] else 'MISSED'})")
        print(f"  runs: {result['validate_runs']}")
        print(f"  findings: {result['findings']} {result['findings_by_severity']}; planted mistakes found at "
              f"their exact line and column: {result['planted_found_at_exact_position']}/{result['planted_mistakes']}")
        print(f"  baselines: python -c 'import yaml' {base['python_import_yaml']:.3f} s "
              f"(ratio {result['ratio_to_python_import_yaml']}), yaml.safe_load of every file "
              f"{base['safe_load_all_files']:.3f} s (ratio {result['ratio_to_safe_load_all_files']}), "
              f"with CSafeLoader {base['csafe_load_all_files']:.3f} s (ratio {result['ratio_to_csafe_load_all_files']})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
