/* fuzz_protobuf.c - the Core ML protobuf model (frontend/pb_reader.c,
 * pb_program.c, pb_nn.c): the bytes as a serialized .mlmodel. */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_read_protobuf("fuzz.mlmodel", data, size, ".", "mlmodel", &dl);
	fuzz_finish(m, &dl);
	return 0;
}
