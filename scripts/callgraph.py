#!/usr/bin/env python3
"""callgraph.py - the link-level call graph between the source files of one
folder, from the symbols their objects define and use (nm), and its cycles.

    scripts/callgraph.py BUILD_DIR FOLDER [--edges]

BUILD_DIR is a configured and built tree (e.g. build-test); FOLDER a source
folder below the repository root (passes, passes/ane, frontend, ...): its
objects are every `*.c.o` under BUILD_DIR whose source path lies below it.
Prints the strongly connected components with more than one file (the call
cycles) and exits 1 when there is one, 0 when the graph is acyclic.  With
--edges it prints every edge `a.c -> b.c (symbol, ...)` first.

Why link level: a call through a header declaration is what ties two files
together; includes of a header with only types do not.  The symbols are the
defined (T/D/B/R) and undefined (U) globals each object lists.
"""
import os
import subprocess
import sys


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def objects(build, folder):
    root = os.path.join(build, "CMakeFiles")
    found = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".c.o"):
                continue
            full = os.path.join(dirpath, f)
            rel = full.split(".dir/", 1)[-1][:-2]  # source path, e.g. passes/cost/cost.c
            # the library's objects, and the command's for cli/ (tests and
            # benches compile none of these folders' files themselves)
            target = full.split("/CMakeFiles/", 1)[-1].split(".dir/", 1)[0]
            if (rel.startswith(folder.rstrip("/") + "/") and
                    target in ("anelint_lib", "anelint") and
                    os.path.exists(os.path.join(ROOT, rel))):  # not a stale object
                found[rel] = full
    return found


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defs, uses = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRGS":
            defs.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            uses.add(parts[1])
    return defs, uses


def sccs(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    build, folder = argv[1], argv[2]
    objs = objects(build, folder)
    if not objs:
        print(f"callgraph: no objects for {folder} under {build}", file=sys.stderr)
        return 2
    owner, uses = {}, {}
    for src, obj in objs.items():
        d, u = symbols(obj)
        for s in d:
            owner[s] = src
        uses[src] = u
    edges, why = {}, {}
    for src, u in uses.items():
        for s in u:
            dst = owner.get(s)
            if dst and dst != src:
                edges.setdefault(src, set()).add(dst)
                why.setdefault((src, dst), []).append(s)
    if "--edges" in argv:
        for (a, b), syms in sorted(why.items()):
            print(f"{a} -> {b} ({', '.join(sorted(syms)[:4])}{', ...' if len(syms) > 4 else ''})")
    cycles = [c for c in sccs(objs.keys(), edges) if len(c) > 1]
    nedges = sum(len(v) for v in edges.values())
    print(f"{folder}: {len(objs)} files, {nedges} edges, {len(cycles)} cycle(s)")
    for c in cycles:
        print(f"  cycle of {len(c)}: {' '.join(c)}")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
