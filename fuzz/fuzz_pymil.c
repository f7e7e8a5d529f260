/* fuzz_pymil.c - coremltools' printed Program form (frontend/pymil_text.c). */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The reader takes the text in memory; the copy puts its end exactly
	 * at the fuzzer's bytes' end (plus a NUL), so ASan sees any overread. */
	char *text = fuzz_cstring(data, size);
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_parse_pymil_text("fuzz.txt", text, size, &dl);
	fuzz_finish(m, &dl);
	free(text);
	return 0;
}
