/* fuzz_pymil.c - coremltools' printed Program form (frontend/pymil_text.c). */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

#include <stdlib.h>

/* The reader takes the text in memory; the copy ends exactly at the
 * fuzzer's bytes' end (plus a NUL), so ASan sees any overread. */
static Module *read_printout(const uint8_t *data, size_t size, DiagList *dl)
{
	char *text = fuzz_cstring(data, size);
	Module *m = fe_parse_pymil_text("fuzz.txt", text, size, dl);
	free(text);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(read_printout, data, size);
	return 0;
}
