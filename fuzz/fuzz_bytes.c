/* fuzz_bytes.c - any single-file form told by its first bytes
 * (frontend/bundle.c's sniffer): protobuf, gzip'd protobuf or text, MIL
 * text, the printout.  Standard input goes this way. */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

static Module *read_any(const uint8_t *data, size_t size, DiagList *dl)
{
	return fe_load_bytes("fuzz.bin", data, size, ".", "mlmodel", dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(read_any, data, size);
	return 0;
}
