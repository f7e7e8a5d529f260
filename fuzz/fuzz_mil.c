/* fuzz_mil.c - MIL text (grammar/mil.l, mil.y, frontend/mil_text.c): the
 * bytes as a model.mil read from a stream, as `anelint` reads a file. */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

#include <stdio.h>

static Module *read_mil_stream(const uint8_t *data, size_t size, DiagList *dl)
{
	/* fmemopen refuses a zero-length buffer; one NUL byte stands in. */
	static const uint8_t nul = 0;
	FILE *in = fmemopen((void *)(size ? data : &nul), size ? size : 1, "r");
	if (!in)
		return NULL;
	Module *m = fe_parse_mil_text("fuzz.mil", in, dl);
	fclose(in);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(read_mil_stream, data, size);
	return 0;
}
