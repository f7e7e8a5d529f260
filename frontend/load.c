/* load.c - the library's entry point: load any model form, then verify. */
#include "anelint.h"
#include "frontend/blob.h"
#include "frontend/frontend.h"

#include <string.h>

Module *anelint_load(const char *path, DiagList *dl)
{
	Module *m;
	if (strcmp(path, "-") == 0) {
		/* Weights named by MIL text on stdin resolve from the current folder. */
		m = fe_parse_mil_text("<stdin>", stdin, dl);
		if (m) {
			m->model_path = ".";
			blob_install(m);
		}
	} else
		m = fe_load(path, dl);
	if (m && ir_verify(m, dl) > 0) {
		ir_module_free(m);
		return NULL;
	}
	return m;
}
