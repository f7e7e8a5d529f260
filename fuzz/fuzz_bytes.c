/* fuzz_bytes.c - any single-file form told by its first bytes
 * (frontend/bundle.c's sniffer): protobuf, gzip'd protobuf or text, MIL
 * text, the printout.  Standard input goes this way. */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_load_bytes("fuzz.bin", data, size, ".", "mlmodel", &dl);
	fuzz_finish(m, &dl);
	return 0;
}
