/* fuzz_mil.c - MIL text (grammar/mil.l, mil.y, frontend/mil_text.c): the
 * bytes as a model.mil read from a stream, as `anelint` reads a file. */
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(fuzz_read_mil, data, size);
	return 0;
}
