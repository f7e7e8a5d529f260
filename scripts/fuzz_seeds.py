#!/usr/bin/env python3
"""fuzz_seeds.py - seed corpora for the harnesses of fuzz/ (docs/fuzzing.md).

    scripts/fuzz_seeds.py OUT_DIR

Copies the inputs each reader meets in ../shared/corpus and tests/ into
OUT_DIR/<harness>/, one file per seed named by its content's hash, so a
rerun gives the same folders.  Large files are cut to their first bytes
(a weight blob's header and first records are what its reader walks) and
the copies never touch the sources."""
import gzip
import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = [os.path.join(ROOT, "tests"), os.path.join(ROOT, "..", "shared", "corpus")]
MAX_SEED = 64 << 10     # the smoke run's -max_len


def files_under(top):
    for d, _, names in os.walk(top):
        for n in sorted(names):
            yield os.path.join(d, n)


def harnesses_of(path):
    """The harnesses a file seeds, from its name."""
    name = os.path.basename(path)
    if name.endswith(".mil"):
        return ["mil", "bytes", "run"]
    if name.endswith(".mlmodel") or name.endswith(".mlmodel.gz"):
        return ["protobuf", "bytes"] if name.endswith(".mlmodel") else ["bytes"]
    if name.endswith(".milprog.txt"):
        return ["pymil", "bytes"]
    if name == "Manifest.json":
        return ["manifest"]
    if name.endswith(".bin") and "weights" in path:
        return ["blob"]
    if name.endswith(".npy"):
        return ["npy"]
    return []


def put(out, harness, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz_seeds.py OUT_DIR")
    out = sys.argv[1]
    counts = {}
    for top in SOURCES:
        for path in files_under(top):
            hs = harnesses_of(path)
            if not hs:
                continue
            with open(path, "rb") as f:
                data = f.read(MAX_SEED)
            for h in hs:
                put(out, h, data)
                counts[h] = counts.get(h, 0) + 1
            if path.endswith(".mil"):
                # the gzip'd form of a text model, for the sniffer's gzip arm
                put(out, "bytes", gzip.compress(data, mtime=0))
    # Every harness gets at least an empty seed, so libFuzzer starts.
    for h in ("mil", "protobuf", "pymil", "bytes", "blob", "manifest", "npy", "run"):
        put(out, h, b"")
        print("%-9s %d seeds" % (h, counts.get(h, 0)))


if __name__ == "__main__":
    main()
