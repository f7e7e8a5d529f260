/* ane_chips.c - the chip table: every Apple chip with a Core ML-usable ANE
 * that ../shared/spec/ane-hardware.md describes, and one row per ANE
 * generation H11..H18.  Data only; each row names its sources.
 *
 * Columns and how they were chosen (spec = ane-hardware.md):
 *   h          the best-supported mapping of §1.1 (I): A12=H11, A13=H12,
 *              A14/M1=H13, A15/M2=H14, A16/M3=H15, A17 Pro/M4=H16, A18=H17,
 *              A19=H18.  M5 is disputed (H16 by maderix's probe, H17 by the
 *              arXiv digest); we take the direct probe: H16.
 *   capf       ANEForge's capability ladder (§1.1, [AF-CAT]): M1 is f2 (A13
 *              class) although it is an A14-generation SoC, M2 f3, M3 f4,
 *              M4/M5 f5; A-series: A13 f2, A14 f3, A15 f4, A16/A17 and later f5.
 *   fp16_tflops the FP16 peak the cost model uses: measured where §1.2 has a
 *              measurement (M1 ~12 roof, M3 Pro 16.77, M4 18.6), else the rated
 *              figure when it is FP16-style (up to A16/M3), else (INT8-style
 *              ratings of A17 Pro, M4 and later) half the rating (I).
 *   ane_gbps   the ANE's streaming bandwidth the cost model scales with:
 *              M1 ~51 and M5 ~145 GB/s are [ASR]; the others are interpolated
 *              by generation (I).
 *   axis_cap   16384 per spatial/contraction axis up to A15 class, 65536 from
 *              A16 class ([AF-CAP][ASR], legality G2); channel cap 65536.
 *   conv_kernel_w_max  fp16 conv kernel width 13, 15 from A16 class ([ASR]).
 *   working_set_mb  on-chip working set: M1 2 MB and M5 4.72 MB [ASR]; M4
 *              ~32 MB inferred from a matmul sweep [MDX-SS2] (conflict, see §2.4);
 *              0 where nothing is sourced.
 *   ane_dispatch_ms  the overhead of one ANE evaluation (ane-hardware.md §2.1),
 *              which the cost pass charges per ANE segment: M1 0.23 ms per-eval
 *              floor [ASR] (M1 Pro, Max, Ultra: as M1, I); M4 0.095 ms XPC +
 *              IOKit per eval [MDX-SS2]; M5 0.06-0.11 ms for a small conv
 *              [MDX-M5], taken as 0.085; M5 Pro 0.1-0.23 ms [AOSAMA], taken as
 *              0.165 (M5 Max: as M5 Pro, I).  All measured on the direct route.
 *              0 (not sourced) elsewhere: the cost pass then uses the 0.125 ms
 *              the segmenter charges per ANE segment (ane-legality.md §3).
 *
 * The default chip is M4 (H16): ane-legality.md §3, the newest and most
 * direct evidence of how Core ML places ops, was measured on M4, and the
 * cost model (cost.c) is calibrated against its example estimates.
 */
#include "passes/ane/ane_int.h"

#include <ctype.h>
#include <string.h>

#define HW "ane-hardware.md §1.2"

/* name, key, h, family, capf, cores, rated_tops, rated_int8, fp16_tflops,
 * fp16_measured, dram_gbps, ane_gbps, working_set_mb, source, note, mac
 * (axis_cap, channel_cap and conv_kernel_w_max follow from capf); CHIPD
 * adds ane_dispatch_ms. */
#define CHIP(nm, k, hh, fam, cf, nc, tops, i8, fp, meas, dram, ane, ws, src, nt, isMac) \
	CHIPD(nm, k, hh, fam, cf, nc, tops, i8, fp, meas, dram, ane, ws, src, nt, isMac, 0)
/* ... and the measured ANE dispatch overhead (ms) last. */
#define CHIPD(nm, k, hh, fam, cf, nc, tops, i8, fp, meas, dram, ane, ws, src, nt, isMac, disp) \
	{ .name = nm, .key = k, .is_family = false, .h = hh, .family = fam, .capf = cf, \
	  .cores = nc, .rated_tops = tops, .rated_int8 = i8, .fp16_tflops = fp, \
	  .fp16_measured = meas, .dram_gbps = dram, .ane_gbps = ane, \
	  .axis_cap = (cf) >= CAPF_F5 ? 65536 : 16384, .channel_cap = 65536, \
	  .conv_kernel_w_max = (cf) >= CAPF_F5 ? 15 : 13, .working_set_mb = ws, \
	  .source = src, .note = nt, .mac = isMac, .ane_dispatch_ms = disp }

static const AneChip chip_table[] = {
	CHIP("A12", "a12", 11, "H11", CAPF_PRE, 8, 5, false, 5, false, 0, 25, 0,
	     HW " [HOL-DEV]", "first Core ML-usable ANE (iOS 12); no tile, decomposed sqrt/reduce", false),
	CHIP("A13", "a13", 12, "H12", CAPF_F2, 8, 6, false, 6, false, 0, 35, 0,
	     HW " [HOL-DEV][ASR]", "rated '20% faster than A12': 6 TOPS is inferred (I)", false),
	CHIP("A14", "a14", 13, "H13", CAPF_F3, 16, 11, false, 11, false, 0, 51, 2,
	     HW " [HOL-DEV][ASR]", "adds texture-engine samplers (resize, crop_resize, gather)", false),
	CHIPD("M1", "m1", 13, "H13", CAPF_F2, 16, 11, false, 12, true, 68, 51, 2,
	     HW " [HOL-DEV][ASR][LLMCHECK][TG-OLD]",
	     "target h13; ANEForge puts M1 in the A13 capability family (f2)", true, 0.23),
	CHIPD("M1 Pro", "m1pro", 13, "H13", CAPF_F2, 16, 11, false, 12, true, 200, 51, 2,
	     HW " [HOL-DEV][ASR][LLMCHECK]", "", true, 0.23),
	CHIPD("M1 Max", "m1max", 13, "H13", CAPF_F2, 16, 11, false, 12, true, 400, 51, 2,
	     HW " [HOL-DEV][ASR][LLMCHECK]", "", true, 0.23),
	CHIPD("M1 Ultra", "m1ultra", 13, "H13", CAPF_F2, 32, 22, false, 24, false, 800, 102, 2,
	     HW " [HOL-DEV][LLMCHECK]", "two dies; per-die figures doubled (I)", true, 0.23),
	CHIP("A15", "a15", 14, "H14", CAPF_F4, 16, 15.8, false, 15.8, false, 0, 70, 0,
	     HW " [HOL-DEV][ASR]", "adds native sin/cos, RNG, global argmin/argmax", false),
	CHIP("M2", "m2", 14, "H14", CAPF_F3, 16, 15.8, false, 15.8, false, 102.4, 70, 0,
	     HW " [HOL-DEV][ARS-TABLE][AF-CAT]", "same ANE as A15 [HOL-DEV]; ANEForge column f3", true),
	CHIP("M2 Pro", "m2pro", 14, "H14", CAPF_F3, 16, 15.8, false, 15.8, false, 204.8, 70, 0,
	     HW " [ARS-TABLE][LLMCHECK]", "", true),
	CHIP("M2 Max", "m2max", 14, "H14", CAPF_F3, 16, 15.8, false, 15.8, false, 400, 70, 0,
	     HW " [ARS-TABLE][LLMCHECK]", "", true),
	CHIP("M2 Ultra", "m2ultra", 14, "H14", CAPF_F3, 32, 31.6, false, 31.6, false, 800, 140, 0,
	     HW " [HOL-DEV]", "two dies", true),
	CHIP("A16", "a16", 15, "H15", CAPF_F5, 16, 17, false, 17, false, 0, 90, 0,
	     HW " [HOL-DEV][ASR]", "A16 class raises the axis cap to 65536 and conv kernel width to 15", false),
	CHIP("M3", "m3", 15, "H15", CAPF_F4, 16, 15.8, false, 15.8, false, 100, 90, 0,
	     HW " [HOL-DEV][MDX-BENCH][ARS-TABLE]", "Apple's own M3 rating not captured; ANEForge column f4", true),
	CHIP("M3 Pro", "m3pro", 15, "H15", CAPF_F4, 16, 15.8, false, 16.77, true, 153.6, 90, 0,
	     HW " [MDX-BENCH][ARS-TABLE]", "9.98 TFLOPS at sp64, 16.77 peak at sp2048", true),
	CHIP("M3 Max", "m3max", 15, "H15", CAPF_F4, 16, 15.8, false, 15.8, false, 400, 90, 0,
	     HW " [ARS-TABLE][LLMCHECK]", "300-400 GB/s by configuration", true),
	CHIP("M3 Ultra", "m3ultra", 15, "H15", CAPF_F4, 32, 36, false, 31.6, false, 800, 180, 0,
	     HW " [HOL-DEV][MDX-BENCH]", "rated 36 [HOL-DEV] vs 31.6 [MDX-BENCH]", true),
	CHIP("A17 Pro", "a17pro", 16, "H16", CAPF_F5, 16, 35, true, 17.5, false, 0, 120, 0,
	     HW " [HOL-DEV][CT-QPERF]", "rating counts INT8; W8A8 int8-int8 fast path", false),
	CHIPD("M4", "m4", 16, "H16", CAPF_F5, 16, 38, true, 18.6, true, 120, 120, 32,
	     HW " [MDX-README][ARS-TABLE][JR-PR36][MDX-SS2]",
	     "arch h16g; rating counts INT8, FP16 measured 18.6 TFLOPS; working set ~32 MB (conflict: 2-32 MB)", true, 0.095),
	CHIP("M4 Pro", "m4pro", 16, "H16", CAPF_F5, 16, 38, true, 18.6, false, 273, 120, 32,
	     HW " [MDX-BENCH][ARS-TABLE]", "12.57 TFLOPS measured at sp64; peak taken as M4's", true),
	CHIP("M4 Max", "m4max", 16, "H16", CAPF_F5, 16, 38, true, 18.6, false, 546, 120, 32,
	     HW " [MDX-BENCH][ARS-TABLE][JR-PR36]", "410-546 GB/s by configuration; arch h16g", true),
	CHIP("A18", "a18", 17, "H17", CAPF_F5, 16, 35, true, 17.5, false, 0, 130, 0,
	     HW " [HOL-DEV][ASR]", "[ASR] calls H18 'A18' (conflict)", false),
	CHIP("A18 Pro", "a18pro", 17, "H17", CAPF_F5, 16, 35, true, 17.5, false, 0, 130, 0,
	     HW " [HOL-DEV]", "", false),
	CHIPD("M5", "m5", 16, "H16", CAPF_F5, 16, 0, false, 18.6, false, 150, 145, 4.72,
	     HW " [MDX-M5][MDX-BENCH][ASR][LLMCHECK]",
	     "family disputed: H16 (maderix probe, taken) vs H17 (arXiv digest); 12.2-12.4 TFLOPS at sp64", true, 0.085),
	CHIPD("M5 Pro", "m5pro", 16, "H16", CAPF_F5, 16, 0, false, 18.8, true, 0, 145, 4.72,
	     HW " [AOSAMA][ASR]", "18.8 TFLOP/s conv, 10.2 GEMM measured; family disputed", true, 0.165),
	CHIPD("M5 Max", "m5max", 16, "H16", CAPF_F5, 16, 0, false, 18.8, false, 0, 145, 4.72,
	     HW " [HOL-DEV]", "figures taken from M5 Pro (I); family disputed", true, 0.165),
	CHIP("A19", "a19", 18, "H18", CAPF_F5, 16, 0, false, 17.5, false, 0, 145, 0,
	     HW " [HOL-DEV][ASR]", "fp8 datapath on H18 only [ASR]; figures inferred (I)", false),
	CHIP("A19 Pro", "a19pro", 18, "H18", CAPF_F5, 16, 0, false, 17.5, false, 0, 145, 0,
	     HW " [HOL-DEV][JR-CU]", "AOT arch h18p; figures inferred (I)", false),
};

/* One row per generation: the values of its representative chip, named in
 * the note.  Where a generation mixes capability families (H13: A14 f3, M1
 * f2), the row takes the lower one. */
static const AneChip family_table[] = {
	{ .name = "H11", .key = "h11", .is_family = true, .h = 11, .family = "H11",
	  .capf = CAPF_PRE, .cores = 8, .rated_tops = 5, .fp16_tflops = 5, .ane_gbps = 25,
	  .axis_cap = 16384, .channel_cap = 65536, .conv_kernel_w_max = 13,
	  .source = HW " §1.1 [HOL-DEV]", .note = "as A12", .mac = false },
	{ .name = "H12", .key = "h12", .is_family = true, .h = 12, .family = "H12",
	  .capf = CAPF_F2, .cores = 8, .rated_tops = 6, .fp16_tflops = 6, .ane_gbps = 35,
	  .axis_cap = 16384, .channel_cap = 65536, .conv_kernel_w_max = 13,
	  .source = HW " §1.1 [HOL-DEV]", .note = "as A13", .mac = false },
	{ .name = "H13", .key = "h13", .is_family = true, .h = 13, .family = "H13",
	  .capf = CAPF_F2, .cores = 16, .rated_tops = 11, .fp16_tflops = 12, .fp16_measured = true,
	  .dram_gbps = 68, .ane_gbps = 51, .axis_cap = 16384, .channel_cap = 65536,
	  .conv_kernel_w_max = 13, .working_set_mb = 2,
	  .source = HW " §1.1 [TG-OLD][ASR][AF-CAT]",
	  .note = "as M1 (capability f2; A14 is f3)", .mac = true, .ane_dispatch_ms = 0.23 },
	{ .name = "H14", .key = "h14", .is_family = true, .h = 14, .family = "H14",
	  .capf = CAPF_F3, .cores = 16, .rated_tops = 15.8, .fp16_tflops = 15.8,
	  .dram_gbps = 102.4, .ane_gbps = 70, .axis_cap = 16384, .channel_cap = 65536,
	  .conv_kernel_w_max = 13, .source = HW " §1.1 [HOL-DEV][AF-CAT]",
	  .note = "as M2 (capability f3; A15 is f4)", .mac = true },
	{ .name = "H15", .key = "h15", .is_family = true, .h = 15, .family = "H15",
	  .capf = CAPF_F4, .cores = 16, .rated_tops = 15.8, .fp16_tflops = 15.8,
	  .dram_gbps = 100, .ane_gbps = 90, .axis_cap = 16384, .channel_cap = 65536,
	  .conv_kernel_w_max = 13, .source = HW " §1.1 [HOL-DEV][AF-CAT]",
	  .note = "as M3 (capability f4; A16 is f5)", .mac = true },
	{ .name = "H16", .key = "h16", .is_family = true, .h = 16, .family = "H16",
	  .capf = CAPF_F5, .cores = 16, .rated_tops = 38, .rated_int8 = true, .fp16_tflops = 18.6,
	  .fp16_measured = true, .dram_gbps = 120, .ane_gbps = 120, .axis_cap = 65536,
	  .channel_cap = 65536, .conv_kernel_w_max = 15, .working_set_mb = 32,
	  .source = HW " §1.1 [JR-PR36][VIDELA][MDX-README][MDX-SS2]", .note = "as M4 (h16g)",
	  .mac = true, .ane_dispatch_ms = 0.095 },
	{ .name = "H17", .key = "h17", .is_family = true, .h = 17, .family = "H17",
	  .capf = CAPF_F5, .cores = 16, .rated_tops = 35, .rated_int8 = true, .fp16_tflops = 17.5,
	  .ane_gbps = 130, .axis_cap = 65536, .channel_cap = 65536, .conv_kernel_w_max = 15,
	  .source = HW " §1.1 [ASR]", .note = "as A18 (inferred figures)", .mac = false },
	{ .name = "H18", .key = "h18", .is_family = true, .h = 18, .family = "H18",
	  .capf = CAPF_F5, .cores = 16, .fp16_tflops = 17.5, .ane_gbps = 145, .axis_cap = 65536,
	  .channel_cap = 65536, .conv_kernel_w_max = 15, .source = HW " §1.1 [JR-CU][ASR]",
	  .note = "as A19 Pro (h18p; inferred figures)", .mac = false },
};

/* Chips and families in one array: chips first. */
enum { NCHIPS = sizeof chip_table / sizeof *chip_table,
       NFAMILIES = sizeof family_table / sizeof *family_table };

static const AneChip *row(size_t i)
{
	return i < NCHIPS ? &chip_table[i] : &family_table[i - NCHIPS];
}

const AneChip *ane_chips(size_t *n)
{
	if (n)
		*n = NCHIPS;
	return chip_table;
}

const AneChip *ane_chip_families(size_t *n)
{
	if (n)
		*n = NFAMILIES;
	return family_table;
}

/* Lower-case, without spaces, '-' and '_': "A17 Pro" -> "a17pro". */
static void normalise(const char *s, char *out, size_t n)
{
	size_t j = 0;
	for (; *s && j + 1 < n; s++) {
		if (*s == ' ' || *s == '-' || *s == '_')
			continue;
		out[j++] = (char)tolower((unsigned char)*s);
	}
	out[j] = 0;
}

const AneChip *ane_chip_find(const char *name)
{
	if (!name)
		return NULL;
	char key[32];
	if (strlen(name) >= sizeof key)
		return NULL;
	normalise(name, key, sizeof key);
	for (size_t i = 0; i < NCHIPS + NFAMILIES; i++)
		if (strcmp(row(i)->key, key) == 0)
			return row(i);
	return NULL;
}

const AneChip *ane_chip_default(void)
{
	for (size_t i = 0; i < NCHIPS; i++)
		if (strcmp(chip_table[i].key, "m4") == 0)
			return &chip_table[i];
	IR_DIE("chip table lost M4");
}

void ane_chip_list(FILE *out)
{
	fputs("valid chips:", out);
	for (size_t i = 0; i < NCHIPS; i++)
		fprintf(out, "%s %s", i ? "," : "", chip_table[i].key);
	fputs("; families:", out);
	for (size_t i = 0; i < NFAMILIES; i++)
		fprintf(out, "%s %s", i ? "," : "", family_table[i].key);
	fputs(" (case-insensitive; default m4; 'all' or A,B,... compares the modelled latency of "
	      "every generation or of the chips listed)", out);
}
