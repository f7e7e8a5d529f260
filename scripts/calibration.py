#!/usr/bin/env python3
"""The calibration table of docs/calibration.md: each published latency of
../shared/spec/ane-hardware.md next to what anelint's cost model says for the
same network (examples/calibration/*.mil, scripts/gen_calibration.py), with
the error.  Prints a Markdown table; every model figure is MODELLED.

    python3 scripts/calibration.py [path/to/anelint]     (default build/anelint)

Two kinds of rows:
  coreml  the latency Core ML reported for a compute-unit setting: the cost
          pass's modelled latency for that setting (placement included);
  direct  a measurement on the direct ANE route (the op forced onto the ANE,
          one evaluation): the ops' modelled ANE times plus one launch.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CAL = os.path.join(ROOT, "examples", "calibration")

# (label, mil, chip, kind, setting, published ms, source)
ROWS = [
    ("128 chained 1x1 convs 512 ch at 64x64 (peak 18.6 TFLOPS)", "chained_conv_128x512_64x64",
     "m4", "direct", None, 274.88e9 / 18.6e12 * 1e3, "[MDX-README] (derived: 274.9 GFLOP / 18.6 TFLOPS)"),
    ("same, M3 Pro peak 16.77 TFLOPS", "chained_conv_128x512_64x64",
     "m3pro", "direct", None, 274.88e9 / 16.77e12 * 1e3, "[MDX-BENCH] (derived; measured at sp2048)"),
    ("1x1 conv 256->256 over 64 positions (8.4 MFLOP)", "conv1x1_256_s64",
     "m5", "direct", None, 0.07, "[MDX-M5] ~0.07 ms predict (0.06-0.11 ms)"),
    ("matmul 256x256", "matmul_256", "m4", "direct", None, 0.101, "[MDX-SS2] 0.101 ms incl. 0.095 XPC/IOKit"),
    ("matmul 2048x2048 (5.7 TFLOPS)", "matmul_2048", "m4", "direct", None,
     2 * 2048 ** 3 / 5.7e12 * 1e3, "[MDX-SS2] (derived from TFLOPS)"),
    ("matmul 4096x4096 (4.0 TFLOPS, past the SRAM cliff)", "matmul_4096", "m4", "direct", None,
     2 * 4096 ** 3 / 4.0e12 * 1e3, "[MDX-SS2] (derived from TFLOPS)"),
    ("DistilBERT, HF layout (B, S, C)", "distilbert_baseline", "a15", "coreml", "CPU_AND_NE",
     9.89, "[APL-MAT] iPhone 13 Pro Max, iOS 16"),
    ("DistilBERT, ANE layout (B, C, 1, S)", "distilbert_ane", "a15", "coreml", "CPU_AND_NE",
     3.48, "[APL-MAT] iPhone 13 Pro Max, iOS 16"),
]


def analyse(binary, mil, chip):
    out = subprocess.run([binary, "analyze", "-f", "json", "--chip", chip,
                          os.path.join(CAL, mil + ".mil")],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def modelled(report, kind, setting):
    if kind == "coreml":
        return report["cost"]["compute_units"][setting]["modelled_ms"]
    ane = sum(op["estimated_ms"]["ANE"] for op in report["ops"] if not op["const"])
    return ane + report["chip"]["ane_launch_ms"]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "anelint")
    print("| network (examples/calibration) | chip | route | published ms | modelled ms | error |"
          " source |")
    print("|---|---|---|---:|---:|---:|---|")
    for label, mil, chip, kind, setting, published, source in ROWS:
        r = analyse(binary, mil, chip)
        m = modelled(r, kind, setting)
        route = "Core ML %s" % setting if kind == "coreml" else "direct (ANE forced)"
        err = (m - published) / published * 100
        print("| %s (`%s.mil`) | %s | %s | %.3f | %.3f | %+.0f%% | %s |"
              % (label, mil, r["chip"]["name"], route, published, m, err, source))


if __name__ == "__main__":
    main()
