/* fuzz_npy.c - NumPy .npy inputs of `anelint run` (runtime/npy.c): the
 * bytes as a .npy file; a tensor that parses is read back element by
 * element (so a data size the header lies about shows under ASan) and
 * written out again. */
#include "fuzz/fuzz_util.h"
#include "runtime/npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RtTensor t;
	char err[256];
	if (npy_parse(data, size, &t, err, sizeof err) != 0)
		return 0;
	double sum = 0;
	for (int64_t i = 0; i < t.numel; i++)
		sum += rt_tensor_get(&t, i);
	(void)sum;
	char path[64];
	snprintf(path, sizeof path, "/tmp/anelint-fuzz-npy-%ld.npy", (long)getpid());
	npy_write(path, &t, err, sizeof err);
	unlink(path);
	rt_tensor_free(&t);
	return 0;
}
