/* fuzz_protobuf.c - the Core ML protobuf model (frontend/pb_reader.c,
 * pb_program.c, pb_nn.c): the bytes as a serialized .mlmodel. */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

static Module *read_protobuf(const uint8_t *data, size_t size, DiagList *dl)
{
	return fe_read_protobuf("fuzz.mlmodel", data, size, ".", "mlmodel", dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(read_protobuf, data, size);
	return 0;
}
