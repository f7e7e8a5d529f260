/* main.c - `anelint COMMAND [options] MODEL`: dispatch to the commands. */
#include "cli/cli.h"

#include <string.h>

#ifndef ANELINT_VERSION
#define ANELINT_VERSION "0.0.0"
#endif

static int cmd_help(int argc, char **argv);

const Command commands[] = {
	{ "dump", cmd_dump, "print a model as MIL text (the IR)",
	  "usage: anelint dump [-o FILE] MODEL\n"
	  "\n"
	  "Read MODEL (.mil text, .mlmodel, .mlmodel.gz, .mlpackage or .mlmodelc;\n"
	  "'-' reads MIL text from standard input), verify it and print it as MIL\n"
	  "text in the model.mil syntax.  The output parses back to the same IR.\n"
	  "\n"
	  "options:\n"
	  "  -o FILE   write to FILE (atomically) instead of standard output\n"
	  "  --passes=P,Q  --print-before=P  --print-after=P  --verify-each\n"
	  "  --time-passes  --list-passes\n"
	  "            run the pass pipeline (see 'anelint help lint') and print the IR\n"
	  "            with each op's pass results as trailing // comments; with no\n"
	  "            --print-* flag, after the last pass.  P may be 'all'.\n"
	  "\n"
	  "exit status: 0 printed, 2 unusable input or bad options\n" },
	{ "lint", cmd_lint, "run the analysis passes and print their findings",
	  "usage: anelint lint [options] MODEL\n"
	  "\n"
	  "Read MODEL, run the pass pipeline (verify, infer, ...) and print every\n"
	  "finding as `file:line:col: severity[CODE]: message` with a fix hint;\n"
	  "codes are listed in docs/diagnostics.md.  A count goes to standard error.\n"
	  "\n"
	  "options:\n"
	  "  --passes=P,Q       run only these passes (and the passes they require)\n"
	  "  --list-passes      list the passes in pipeline order and exit\n"
	  "  --print-before=P   print the IR before pass P ('all': every pass)\n"
	  "  --print-after=P    print the IR after pass P, annotated with pass results\n"
	  "  --verify-each      run the IR verifier after every pass\n"
	  "  --time-passes      print the wall time of each pass on standard error\n"
	  "  --stats            print how many ops' inferred types agree with the\n"
	  "                     types the model declares\n"
	  "\n"
	  "exit status: 0 no error-severity findings, 1 findings at error severity,\n"
	  "2 unusable input or bad options\n" },
	{ "info", cmd_info, "describe a model: form, interface, ops, weights, metadata",
	  "usage: anelint info [--json | -f text|json] [-o FILE] MODEL\n"
	  "\n"
	  "Read MODEL (any form 'dump' reads, or coremltools' printed program) and\n"
	  "describe it: its form, specification version and the minimum OS releases\n"
	  "it implies, model kind, functions and opsets (the default one marked),\n"
	  "inputs, outputs and states with dtypes and shapes (flexible shapes\n"
	  "spelled out), op counts by type, weight bytes by dtype (from declared\n"
	  "types; weight files are not read) and metadata.  MIL text has no model\n"
	  "description: the interface comes from the function signature.\n"
	  "\n"
	  "options:\n"
	  "  --json    print JSON (schema: docs/info-json.md) instead of text\n"
	  "  -o FILE   write to FILE (atomically) instead of standard output\n"
	  "\n"
	  "exit status: 0 described, 2 unusable input or bad options\n" },
	{ "analyze", cmd_analyze, "predict where each op runs (ANE, GPU, CPU) and why",
	  "usage: anelint analyze [options] MODEL\n"
	  "\n"
	  "Read MODEL, run the passes through legality, placement and partition, and\n"
	  "report what Core ML is predicted to do with it on the chosen chip: ops in\n"
	  "total, const and executable; per device the count and share; the ANE\n"
	  "coverage band (over 95% excellent, 80-95% good, 50-80% mixed, under 50%\n"
	  "poor); segments and device switches; every compute-unit setting side by\n"
	  "side with its MODELLED latency (the cost pass: never measured), the fastest\n"
	  "marked; and the ops that leave the ANE grouped by reason, each group with\n"
	  "its fix hint and op names.\n"
	  "\n"
	  "options:\n"
	  "  --chip C           the chip or ANE generation (M1 .. M5, A12 .. A18, H11 ..\n"
	  "                     H18; default M4).  'all' adds the modelled latency of\n"
	  "                     every ANE generation, one column per family H11 .. H18;\n"
	  "                     A,B,.. one column per chip listed (ops are for A)\n"
	  "  --compute-units U  the setting the report leads with: cpu_only,\n"
	  "                     cpu_and_gpu, cpu_and_ne or all (default all); the JSON\n"
	  "                     report carries all four\n"
	  "  -f FMT             text (default), json (docs/report-json.md), junit (the\n"
	  "                     model as one test case, failing when ops leave the ANE),\n"
	  "                     sarif (2.1.0, one result per op off the ANE), dot\n"
	  "                     (Graphviz: ops coloured by device, segments as clusters)\n"
	  "                     or mil (the model as MIL text with device, segment and\n"
	  "                     reasons as trailing // comments; parses back)\n"
	  "  -o FILE            write to FILE (atomically) instead of standard output\n"
	  "  --input-shape NAME=D0,D1,..  fix a flexible input's shape\n"
	  "  --passes=P,Q  --print-before=P  --print-after=P  --verify-each\n"
	  "  --time-passes  --list-passes   the pass manager's flags ('anelint help lint')\n"
	  "\n"
	  "exit status: 0 analysed (whatever the placement), 2 unusable input or bad\n"
	  "options\n" },
	{ "compat", cmd_compat, "one verdict: fully, partially or not ANE-compatible",
	  "usage: anelint compat [--chip C] [--compute-units U] MODEL\n"
	  "\n"
	  "Analyse MODEL like 'analyze' and print one line: whether every executable\n"
	  "op (fully), some (partially) or none (not) is predicted to run on the ANE\n"
	  "under the compute units (default all), then one line per reason the others\n"
	  "leave it, with the first op names.  The verdict follows the predicted\n"
	  "placement (MLComputePlan's preferred device), so ops the ANE supports but\n"
	  "Core ML would not send there count as leaving it, with that reason.\n"
	  "\n"
	  "exit status: 0 fully, 1 partially, 2 not ANE-compatible, 3 unusable input\n"
	  "or bad options\n" },
	{ "check", cmd_check, "CI gates: ANE share, switches, denied reasons, baseline",
	  "usage: anelint check [options] MODEL...\n"
	  "\n"
	  "Analyse every MODEL and hold it to the gates given; each model also has an\n"
	  "'analyse' gate (it can be read and analysed).  Gates are evaluated under\n"
	  "the compute units (default all).\n"
	  "\n"
	  "gates:\n"
	  "  --min-ane PCT      at least PCT percent of the executable ops on the ANE\n"
	  "  --max-switches N   at most N device switches (segment boundaries)\n"
	  "  --deny CODE        no op carries reason CODE (e.g. ANE012; docs/ane-rules.md)\n"
	  "                     and no diagnostic has it; may be repeated\n"
	  "  --baseline FILE    FILE is a report written earlier by 'analyze -f json':\n"
	  "                     no op that was on the ANE there may have left it (the\n"
	  "                     \"ANE boundary moved\" gate).  Ops are matched by function\n"
	  "                     and name; the ops that moved off, their new reasons, and\n"
	  "                     the ops that moved onto the ANE are listed.  One baseline\n"
	  "                     per model, in the order of the models.\n"
	  "\n"
	  "options:\n"
	  "  --chip C  --compute-units U  --input-shape NAME=D0,..   as for 'analyze'\n"
	  "  -f FMT             text (default), junit (one test case per gate and model,\n"
	  "                     failures carrying the reasons) or json (docs/report-json.md)\n"
	  "  -o FILE            write to FILE (atomically) instead of standard output\n"
	  "\n"
	  "exit status: 0 every gate holds for every model, 1 a gate fails, 2 a model\n"
	  "or baseline cannot be used, or bad options\n" },
	{ "costs", cmd_costs, "the ops by modelled cost: share, device, FLOPs, bytes, intensity",
	  "usage: anelint costs [--top N] [--chip C] [--compute-units U] [-f text|json] [-o FILE] MODEL\n"
	  "\n"
	  "Analyse MODEL like 'analyze' and list its executable ops by MODELLED cost\n"
	  "under the compute units (default all): each op's modelled time on the device\n"
	  "it is placed on, its share of its function's modelled time (as\n"
	  "MLComputePlan's estimatedCost.weight), the device, FLOPs, bytes moved\n"
	  "(activations read and written, weights at their stored size: compressed\n"
	  "formats compressed), arithmetic intensity (FLOP per byte) and what bounds\n"
	  "the op there (the per-op overhead, compute or memory).  First the modelled\n"
	  "latency of every setting, the fastest marked, and its parts (ops, ANE\n"
	  "launches, boundaries).  Every time is modelled, never measured: see\n"
	  "docs/calibration.md for how far the model is from published latencies.\n"
	  "\n"
	  "options:\n"
	  "  --top N            the N costliest ops (default 20; 0 lists every op)\n"
	  "  --chip C           the chip or ANE generation (default M4); 'all' adds the\n"
	  "                     latency of every generation H11 .. H18, one column each;\n"
	  "                     A,B,.. one column per chip listed (the ops are for A)\n"
	  "  --compute-units U  the setting the ops are placed and ranked under:\n"
	  "                     cpu_only, cpu_and_gpu, cpu_and_ne or all (default all)\n"
	  "  -f FMT             text (default) or json (docs/report-json.md, 'costs')\n"
	  "  -o FILE            write to FILE (atomically) instead of standard output\n"
	  "  --input-shape NAME=D0,D1,..  fix a flexible input's shape\n"
	  "\n"
	  "exit status: 0 analysed, 2 unusable input or bad options\n" },
	{ "report", cmd_report, "the analysis as one self-contained HTML page",
	  "usage: anelint report [--chip C] [--compute-units U] [-o FILE] MODEL\n"
	  "\n"
	  "Analyse MODEL like 'analyze' and write one HTML page (standard output, or\n"
	  "FILE): a summary; the MODELLED latency of every compute-unit setting, the\n"
	  "fastest marked (and per chip with --chip all or A,B); device shares per\n"
	  "setting; the segments of every setting along the op order; the ops with the\n"
	  "largest modelled time; activation bytes live along the op order with the\n"
	  "peak; why ops leave the ANE, every op of every reason; every ANE rule that\n"
	  "fired; the lint findings.  The page is self-contained: CSS and SVG charts\n"
	  "inline, no script, no font or file fetched; every name from the model is\n"
	  "escaped.  Times are modelled, never measured (docs/calibration.md).\n"
	  "\n"
	  "options:\n"
	  "  -o FILE            write to FILE (atomically), e.g. report.html\n"
	  "  --chip C  --compute-units U  --input-shape NAME=D0,..   as for 'analyze'\n"
	  "  -f html            the only format (the default)\n"
	  "\n"
	  "exit status: 0 written, 2 unusable input, bad options or a write error\n" },
	{ "run", cmd_run, "execute a model on the CPU and summarise its outputs",
	  "usage: anelint run MODEL [--input NAME=FILE.npy]... [--state NAME=FILE.npy]...\n"
	  "       [--function F] [--random-inputs SEED] [--threads N] [--out DIR]\n"
	  "       [--max-memory BYTES] [--loop-cap N] [-f text|json]\n"
	  "\n"
	  "Run one function of MODEL on the cpu device (fp32 math; docs/runtime.md)\n"
	  "and print each output's shape, dtype, min, max, mean and NaN / Inf counts,\n"
	  "the first op that produced a NaN or Inf, and the time of each stage.\n"
	  "With --out, write DIR/<output>.npy in the declared dtype (only when the\n"
	  "run succeeded).  Inputs not given come from --random-inputs.\n"
	  "\n"
	  "exit status: 0 ran, 2 unusable model, input or options, or a failed run\n" },
	{ "compare", cmd_compare, "compare a model's outputs per compute unit with the fp32 reference",
	  "usage: anelint compare MODEL [--input NAME=FILE.npy]... [--state NAME=FILE.npy]...\n"
	  "       [--random-inputs SEED] [--compute-units U | --all-units] [--rtol R --atol A]\n"
	  "       [--placement legal|predicted] [--fp16-nan ieee|zero] [--fp16-subnormal keep|flush]\n"
	  "       [--function F] [-f text|json] [-o FILE]\n"
	  "\n"
	  "Run MODEL as the fp32 reference (cpu device) and under each setting with its\n"
	  "devices' numerics (ane: fp16 emulation; docs/ane-device.md), on the same inputs.\n"
	  "Per output: max abs and relative error, cosine, non-finite count; then the\n"
	  "first op that diverges beyond tolerance and the first op giving Inf or NaN,\n"
	  "with value ranges, device, location and the lint finding that predicted it;\n"
	  "and each segment's lifecycle, measured and modelled.  Default setting: ALL;\n"
	  "tolerance: max abs error <= atol + rtol x the reference's largest magnitude\n"
	  "(rtol 0.02, atol 0.001).\n"
	  "\n"
	  "exit status: 0 within tolerance, 1 beyond it, 2 unusable input or options\n" },
	{ "test", cmd_test, "check that a model runs under a compute unit (finite, within tolerance)",
	  "usage: anelint test MODEL --compute-units U [--input NAME=FILE.npy]...\n"
	  "       [--state NAME=FILE.npy]... [--random-inputs SEED] [--rtol R --atol A]\n"
	  "\n"
	  "Run MODEL under U with its devices' numerics on random inputs (seed 0 unless\n"
	  "given; states zero unless given) and print one line: PASS, or FAIL with the\n"
	  "reason (the output and the first op at fault).\n"
	  "\n"
	  "exit status: 0 runs with finite outputs within tolerance of the fp32\n"
	  "reference, 1 otherwise, 2 unusable model or options\n" },
	{ "help", cmd_help, "show help for a command",
	  "usage: anelint help [COMMAND]\n" },
	{ NULL, NULL, NULL, NULL },
};

const Command *cli_find_command(const char *name)
{
	for (const Command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void print_usage(FILE *out)
{
	fputs("usage: anelint [--help] [--version] COMMAND [options] MODEL\n"
	      "\n"
	      "Offline static analysis of Core ML models for the Apple Neural Engine.\n"
	      "\n"
	      "commands:\n", out);
	for (const Command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\nRun 'anelint help COMMAND' for a command's options.\n", out);
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	const Command *c = cli_find_command(argv[1]);
	if (!c)
		return cli_usage_error(NULL, "no command '%s' (see 'anelint --help')", argv[1]);
	fputs(c->usage, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_UNUSABLE;
	}
	const char *arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(arg, "--version") == 0) {
		printf("anelint %s\n", ANELINT_VERSION);
		return EXIT_OK;
	}
	const Command *c = cli_find_command(arg);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s' (see 'anelint --help')", arg);
	return c->run(argc - 1, argv + 1);
}
