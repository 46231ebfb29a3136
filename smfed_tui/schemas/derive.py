"""Derive the compact CRD schemas shipped in this folder from upstream CRD files.

    python -m smfed_tui.schemas.derive CRD_DIR [--out DIR] [--date YYYY-MM-DD]

CRD_DIR holds `*.crd.yaml` files (one CustomResourceDefinition each) and optionally a SOURCES.md whose
table rows name where each file came from. For every served version of every CRD this writes the
version's `openAPIV3Schema` without what validation does not need (descriptions, defaults, CEL rules,
list/map markers), deduplicated per kind: one minified `<group>_<Kind>.json` per kind
({"versions": {version: index}, "schemas": [schema...]}), loaded lazily by `smfed_tui.crd_schema`, and
`index.json` mapping "apiVersion Kind" to that file, with the provenance of each source file (name,
sha256, what SOURCES.md says of it) and the date of the derivation.

Kept in the repository so the next engineer can re-derive after upstream moves: copy the new CRD into
the reference folder, run this, and commit the JSON it writes.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

from ..i18n import _

HERE = Path(__file__).resolve().parent
INDEX = "index.json"

# Keys that only document or default a value; a structural check never reads them. CEL rules
# (x-kubernetes-validations) are left out too: evaluating them needs a CEL engine.
DROPPED_KEYS = frozenset({
    "description", "default", "example", "externalDocs", "x-kubernetes-validations",
    "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
})
SUBSCHEMA_KEYS = ("items", "additionalProperties", "not")
SCHEMA_LIST_KEYS = ("anyOf", "oneOf", "allOf")


def compact(schema):
    """The schema without the keys in DROPPED_KEYS, at every depth."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in DROPPED_KEYS:
            continue
        if key == "properties":
            out[key] = {name: compact(sub) for name, sub in value.items()}
        elif key in SUBSCHEMA_KEYS:
            out[key] = compact(value)
        elif key in SCHEMA_LIST_KEYS:
            out[key] = [compact(sub) for sub in value]
        else:
            out[key] = value
    return out


def source_notes(crd_dir: Path) -> dict[str, str]:
    """What SOURCES.md says of each file: {file name: "from (what)"}. A row may name several files
    sharing one suffix, as `istios / istiocnis .sailoperator.io.crd.yaml`; "same" repeats the origin
    of the row above."""
    notes: dict[str, str] = {}
    origin = ""
    sources = crd_dir / "SOURCES.md"
    if not sources.is_file():
        return notes
    for line in sources.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].endswith(".yaml"):
            continue
        origin = origin if cells[1] == "same" else cells[1]
        parts = [p.replace(" ", "") for p in cells[0].split(" / ")]
        suffix = parts[-1][parts[-1].index("."):]
        for part in parts:
            name = part if part.endswith(".yaml") else part + suffix
            notes[name] = f"{origin} ({cells[2]})"
    return notes


def kind_file_name(group: str, kind: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"{group}_{kind}") + ".json"


def derive(crd_dir: Path, out_dir: Path, date: str) -> dict:
    """Write the compact schemas and the index; returns the index."""
    notes = source_notes(crd_dir)
    index: dict = {"derived": date, "sources": {}, "kinds": {}}
    files = sorted(crd_dir.glob("*.yaml"))
    if not files:
        raise SystemExit(_("no *.yaml CRD files in {folder}").format(folder=crd_dir))
    for path in files:
        raw = path.read_bytes()
        crd = yaml.safe_load(raw)
        if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
            raise SystemExit(_("{file}: not a CustomResourceDefinition").format(file=path))
        spec = crd["spec"]
        group, kind = spec["group"], spec["names"]["kind"]
        index["sources"][path.name] = {"sha256": hashlib.sha256(raw).hexdigest(),
                                       "from": notes.get(path.name, "")}
        schemas: list = []
        versions: dict[str, int] = {}
        for version in spec["versions"]:
            if not version.get("served", True):
                continue
            schema = compact(version["schema"]["openAPIV3Schema"])
            if schema not in schemas:
                schemas.append(schema)
            versions[version["name"]] = schemas.index(schema)
        name = kind_file_name(group, kind)
        (out_dir / name).write_text(json.dumps({"versions": versions, "schemas": schemas},
                                               separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
        for version in versions:
            index["kinds"][f"{group}/{version} {kind}"] = {"file": name, "source": path.name,
                                                           "scope": spec.get("scope", "Namespaced")}
    (out_dir / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smfed_tui.schemas.derive", description=__doc__.splitlines()[0])
    parser.add_argument("crd_dir", type=Path)
    parser.add_argument("--out", type=Path, default=HERE, help=_("where to write (default: this package)"))
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help=_("the derivation date to record"))
    args = parser.parse_args(argv)
    index = derive(args.crd_dir, args.out, args.date)
    print(_("{kinds} apiVersion/kind schemas from {files} CRD files -> {out}").format(
        kinds=len(index["kinds"]), files=len(index["sources"]), out=args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
