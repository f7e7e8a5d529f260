/* load.c - the library's entry point: load any model form, then verify
 * (the one verification of the IR: the pipeline's verify pass trusts it,
 * PassOptions.ir_verified). */
#include "anelint.h"
#include "frontend/blob.h"
#include "frontend/frontend.h"
#include "ir/op_catalogue.h"

#include <stdlib.h>
#include <string.h>

/* What fe_detect reads of a file to tell its form. */
enum { SNIFF_BYTES = 4096 };

/* Standard input, whole, capped like any file read, and refused as soon as
 * its first block is no model form. */
static void *read_stdin(size_t *n, DiagList *dl)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			IR_DIE("out of memory");
		size_t got = fread(buf + len, 1, cap - len, stdin);
		bool first_block = len < SNIFF_BYTES;
		len += got;
		if (first_block && (len >= SNIFF_BYTES || got == 0) && len > 0 &&
		    fe_sniff_bytes(buf, len) == FE_FMT_UNKNOWN) {
			/* Told from the first block: no reading gigabytes of noise. */
			diag_add(dl, SEV_ERROR, FE_E_NOT_MODEL, (SrcLoc){ .file = "<stdin>" },
			         "not a Core ML model: neither a .mlmodel protobuf, gzip, nor MIL "
			         "text (first byte 0x%02x)", (unsigned char)buf[0]);
			free(buf);
			return NULL;
		}
		if (got == 0)
			break;
		if (len == cap) {
			if (cap >= FE_MAX_FILE_BYTES) {
				diag_add(dl, SEV_ERROR, FE_E_READ, (SrcLoc){ .file = "<stdin>" },
				         "input larger than %zu bytes", (size_t)FE_MAX_FILE_BYTES);
				free(buf);
				return NULL;
			}
			buf = realloc(buf, cap *= 2);
		}
	}
	if (ferror(stdin)) {
		diag_add(dl, SEV_ERROR, FE_E_READ, (SrcLoc){ .file = "<stdin>" }, "read error");
		free(buf);
		return NULL;
	}
	*n = len;
	return buf;
}

Module *anelint_load(const char *path, DiagList *dl)
{
	return anelint_load_as(path, dl, NULL);
}

Module *anelint_load_as(const char *path, DiagList *dl, const char **format)
{
	Module *m;
	FeFormat form = FE_FMT_MIL_TEXT;    /* standard input without a description */
	if (strcmp(path, "-") == 0) {
		/* Any single-file form; weights resolve from the current folder. */
		size_t n;
		void *data = read_stdin(&n, dl);
		if (!data)
			return NULL;
		m = fe_load_bytes("<stdin>", data, n, ".", "mlmodel", dl);
		free(data);
		if (m)
			blob_install(m);
	} else {
		m = fe_load_as(path, dl, &form);
	}
	if (m)
		ir_resolve_ops(m);      /* every op's catalogue row, once */
	if (m && ir_verify(m, dl) > 0) {
		ir_module_free(m);
		return NULL;
	}
	if (m && format)
		*format = m->desc && m->desc->format ? m->desc->format : fe_format_name(form);
	return m;
}
