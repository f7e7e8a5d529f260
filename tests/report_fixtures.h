/* report_fixtures.h - MIL programs for the report and command tests: a
 * chain of 3x3 convolutions (64 channels, 128x128) large enough for the
 * ANE to pay for itself even around a switch (six of them: each half of
 * the chain saves more than the 0.375 ms a middle ANE segment must), with
 * knobs that push one op off the ANE. */
#ifndef ANELINT_REPORT_FIXTURES_H
#define ANELINT_REPORT_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct RfNet {
	int nconv;              /* convolutions, each followed by a relu */
	int big_kernel_at;      /* 1-based conv given a 17x17 kernel; 0: none */
	int int32_after;        /* 1-based conv after which a cast to int32 and back; 0: none */
	int cast_after;         /* the same round trip through fp16 (stays on the ANE): the
	                         * ops `idx` and `back` exist, only idx's dtype differs */
	int hw;                 /* spatial size (default 128) */
} RfNet;

/* The program text, malloc'd. */
static inline char *rf_convnet(const RfNet *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int hw = n->hw ? n->hw : 128;
	fprintf(f, "program(1.3)\n{\n    func main<ios17>(tensor<fp16, [1, 64, %d, %d]> x) {\n", hw, hw);
	fprintf(f, "            string same = const()[name = string(\"same\"), val = string(\"same\")];\n");
	const char *x = "x";
	char prev[32];
	for (int i = 1; i <= n->nconv; i++) {
		int k = i == n->big_kernel_at ? 17 : 3;
		fprintf(f, "            tensor<fp16, [64, 64, %d, %d]> w%d = const()[name = string(\"w%d\"), "
		        "val = tensor<fp16, [64, 64, %d, %d]>(BLOBFILE(path = string(\"@model_path/weights/"
		        "weight.bin\"), offset = uint64(%d)))];\n", k, k, i, i, k, k, 64 * i);
		fprintf(f, "            tensor<fp16, [1, 64, %d, %d]> conv%d = conv(pad_type = same, weight = w%d, "
		        "x = %s)[name = string(\"conv%d\")];\n", hw, hw, i, i, x, i);
		fprintf(f, "            tensor<fp16, [1, 64, %d, %d]> relu%d = relu(x = conv%d)"
		        "[name = string(\"relu%d\")];\n", hw, hw, i, i, i);
		snprintf(prev, sizeof prev, "relu%d", i);
		x = prev;
		if (i == n->int32_after || i == n->cast_after) {
			const char *dt = i == n->int32_after ? "int32" : "fp16";
			fprintf(f, "            tensor<%s, [1, 64, %d, %d]> idx = cast(dtype = string(\"%s\"), "
			        "x = %s)[name = string(\"idx\")];\n", dt, hw, hw, dt, x);
			fprintf(f, "            tensor<fp16, [1, 64, %d, %d]> back = cast(dtype = string(\"fp16\"), "
			        "x = idx)[name = string(\"back\")];\n", hw, hw);
			snprintf(prev, sizeof prev, "back");
		}
	}
	fprintf(f, "        } -> (%s);\n}\n", x);
	fclose(f);
	return buf;
}

#endif
