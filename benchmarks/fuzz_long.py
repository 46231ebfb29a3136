"""The long fuzz run: the properties of tests/test_fuzz.py with many more examples.

    python benchmarks/fuzz_long.py [--examples N] [--seconds S]

Runs, in turn, random bytes, YAML token soup and structurally mutated SMCPs through the loader, the
validators, the reader and the editor (only InputError may come out; any edit made must parse again),
and generated models through render-then-read. Each property gets N examples (default 10,000) or S
seconds (default 600), whichever ends first (past S the rest are skipped, not run). Prints, per property, the inputs tried, the time and what was found;
the figures of the recorded run are in README.md, section Safety.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_fuzz as props  # noqa: E402  (the same strategies and checks as the suite)


def run(name, strategy, check, examples: int, seconds: float) -> dict:
    count = 0
    deadline = time.monotonic() + seconds

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              derandomize=False)
    @given(strategy)
    def prop(value):
        nonlocal count
        if time.monotonic() > deadline:
            return
        count += 1
        check(value)

    start = time.monotonic()
    found = "nothing"
    try:
        prop()
    except Exception as exc:  # a falsifying example: hypothesis printed it
        found = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return {"property": name, "inputs": count, "seconds": round(time.monotonic() - start, 1), "found": found}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args()
    jobs = [
        ("random bytes -> parse/validate/read/edit", st.binary(max_size=2000), props.run_everything),
        ("YAML token soup -> parse/validate/read/edit",
         st.lists(st.sampled_from(props.TOKENS), max_size=200).map("".join).map(str.encode), props.run_everything),
        ("mutated SMCPs -> parse/validate/read/edit", props.mutated_smcps(), props.run_everything),
        ("generated models -> render -> read", props.meshes(),
         lambda mesh: props.test_render_then_read_gives_the_model_back.hypothesis.inner_test(mesh)),
    ]
    results = [run(name, strategy, check, args.examples, args.seconds) for name, strategy, check in jobs]
    for r in results:
        print(f"{r['property']:48} {r['inputs']:>8,} inputs {r['seconds']:>7.1f} s  found: {r['found']}")
    print(f"{'total':48} {sum(r['inputs'] for r in results):>8,} inputs "
          f"{sum(r['seconds'] for r in results):>7.1f} s")
    return 0 if all(r["found"] == "nothing" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
