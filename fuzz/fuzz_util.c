/* fuzz_util.c - the end of every harness: finish the module as the loader
 * does and render the diagnostics (fuzz_util.h). */
#include "fuzz/fuzz_util.h"

#include "frontend/frontend.h"
#include "ir/op_catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_read(FuzzReader read, const uint8_t *data, size_t size)
{
	DiagList dlist, *dl = &dlist;
	diag_init(dl);
	Module *m = read(data, size, dl);
	if (m) {
		ir_resolve_ops(m);
		ir_verify(m, dl);
	}
	char line[1024];
	for (uint32_t i = 0; i < dl->d.n; i++)
		diag_format(&dl->d.v[i], line, sizeof line);
	if (m)
		ir_module_free(m);
	diag_fini(dl);
}

char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

Module *fuzz_read_mil(const uint8_t *data, size_t size, DiagList *dl)
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
