/* rt_weights.h - decoding literals into runtime tensors (weights.c). */
#ifndef ANELINT_RT_WEIGHTS_H
#define ANELINT_RT_WEIGHTS_H

#include "runtime/runtime.h"

/* Decode a tensor literal (immediate or BLOBFILE) into out, in the
 * runtime's storage dtype.  -1 with a diagnostic at loc naming the blob
 * and offset when its bytes are missing or short. */
int rt_decode_lit(Module *m, const Lit *l, RtTensor *out, DiagList *dl, SrcLoc loc);

#endif
