"""Shared helpers for the reference-vector generators.

* ``run_r(script)`` runs an R script with ``Rscript --vanilla`` and parses the values it
  emits through the ``out()`` helper defined in ``R_PRELUDE``.  Numbers go to R as exact
  C99 hexadecimal literals (``rnum``/``rvec``) and come back as ``%.17g`` strings, so no
  precision is lost in either direction.
* ``write_reference(path, generator, libraries, cases, sources)`` writes a reference file
  with Python's ``json.dumps`` (shortest round-trip repr of every double).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import tempfile
from importlib import metadata

import numpy as np

R_PRELUDE = r"""
options(warn = 1, digits = 17)
.out_con <- stdout()
out <- function(name, x) {
  if (is.null(x) || length(x) == 0) { cat(name, "\tEMPTY\n", sep = "", file = .out_con); return(invisible()) }
  x <- as.vector(x)
  if (is.logical(x)) x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", sprintf("%.17g", as.numeric(x)))
  cat(name, "\t", paste(s, collapse = " "), "\n", sep = "", file = .out_con)
}
outs <- function(name, x) {
  cat(name, "\tSTR ", paste(as.character(x), collapse = "\x1f"), "\n", sep = "", file = .out_con)
}
"""


def rnum(x: float) -> str:
    """An exact R literal for a Python float (C99 hex float, parsed exactly by R)."""
    x = float(x)
    if math.isnan(x):
        return "NA_real_"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0.0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    return x.hex()


def rvec(xs) -> str:
    return "c(" + ", ".join(rnum(v) for v in xs) + ")"


def rstr(xs) -> str:
    return "c(" + ", ".join('"' + str(v).replace('"', '\\"') + '"' for v in xs) + ")"


def run_r(script: str) -> dict:
    """Run ``script`` (prefixed with R_PRELUDE) and return {name: list[float] | list[str]}."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(R_PRELUDE)
        fh.write(script)
        path = fh.name
    try:
        proc = subprocess.run(
            ["Rscript", "--vanilla", path],
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        raise RuntimeError(f"R failed ({proc.returncode}):\n{proc.stderr}\n--- script ---\n{script[:4000]}")
    result: dict = {}
    for line in proc.stdout.splitlines():
        if "\t" not in line:
            continue
        name, payload = line.split("\t", 1)
        if payload == "EMPTY":
            result[name] = []
        elif payload.startswith("STR "):
            result[name] = payload[4:].split("\x1f")
        else:
            result[name] = [None if tok == "NA" else float(tok) for tok in payload.split(" ")]
    return result


def r_version() -> str:
    proc = subprocess.run(
        ["Rscript", "--vanilla", "-e", "cat(R.version$major, R.version$minor, sep='.')"],
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip()


def r_package_versions(pkgs) -> dict:
    script = "".join(f'outs("{p}", as.character(packageVersion("{p}")))\n' for p in pkgs)
    res = run_r(script)
    return {f"R {p}": res[p][0] for p in pkgs}


def py_versions(pkgs) -> dict:
    return {p: metadata.version(p) for p in pkgs}


def libraries(py=(), r=()) -> dict:
    libs = {"python": ".".join(str(v) for v in __import__("sys").version_info[:3])}
    libs.update(py_versions(py))
    if r is not None and r != ():
        libs["R"] = r_version()
        libs.update(r_package_versions([p for p in r if p != "stats"]))
    return libs


def clean(obj):
    """Convert numpy scalars/arrays to plain Python; reject NaN/Inf (not valid JSON)."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [clean(v) for v in obj.tolist()]
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        if not math.isfinite(v):
            raise ValueError(f"non-finite value {v} cannot be stored in JSON")
        return v
    return obj


def write_reference(path: str, generator: str, libs: dict, cases: list, sources: dict, notes: str = "") -> None:
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate case names in {path}")
    doc = {"generator": generator, "libraries": libs}
    if notes:
        doc["notes"] = notes
    doc["sources"] = sources
    doc["cases"] = cases
    text = json.dumps(clean(doc), indent=1, ensure_ascii=False, allow_nan=False)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.write("\n")


def close(a, b, rel=1e-9, abs_=0.0) -> bool:
    a = float(a)
    b = float(b)
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def assert_close(label, a, b, rel=1e-9, abs_=0.0):
    a_arr = np.atleast_1d(np.asarray(a, dtype=float))
    b_arr = np.atleast_1d(np.asarray(b, dtype=float))
    if a_arr.shape != b_arr.shape:
        raise AssertionError(f"{label}: shape {a_arr.shape} vs {b_arr.shape}")
    for x, y in zip(a_arr, b_arr):
        if not close(x, y, rel, abs_):
            raise AssertionError(f"{label}: {x!r} vs {y!r} (rel {rel}, abs {abs_})")
