/* blob_bytes.c - weight bytes on demand: a LIT_BLOB's bytes through the
 * resolver its frontend installed (Module.blob_resolver).  Apart from
 * module.c because it reports through the diagnostics engine, which itself
 * names ops through module.c: no call cycle between the two. */
#include "ir/ir.h"

const void *ir_blob_bytes(Module *m, const Lit *blob, uint64_t *nbytes, DiagList *dl)
{
	if (!m->blob_resolver) {
		diag_add(dl, SEV_ERROR, "E0301", (SrcLoc){ .file = m->file },
		         "weights of %s are not available (no weight file reader for this input)",
		         blob->u.blob.path);
		return NULL;
	}
	return m->blob_resolver(m, blob, nbytes, dl);
}
