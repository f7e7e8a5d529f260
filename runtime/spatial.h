/* spatial.h - the spatial output rule shared by conv and pooling
 * (spatial.c; ops.md "Spatial output size (conv/pool)"). */
#ifndef ANELINT_RT_SPATIAL_H
#define ANELINT_RT_SPATIAL_H

#include "runtime/rt_int.h"

enum { RT_MAX_SPATIAL = 3 };

/* Window geometry of one conv / pool op over x's spatial dims. */
typedef struct RtWindow {
	int ns;                         /* spatial dims: rank(x) - 2 */
	int64_t in[RT_MAX_SPATIAL];     /* D_in */
	int64_t k[RT_MAX_SPATIAL];      /* kernel */
	int64_t s[RT_MAX_SPATIAL];      /* strides */
	int64_t d[RT_MAX_SPATIAL];      /* dilations */
	int64_t before[RT_MAX_SPATIAL]; /* padding before */
	int64_t after[RT_MAX_SPATIAL];  /* padding after */
	int64_t out[RT_MAX_SPATIAL];    /* D_out */
} RtWindow;

/* Read strides, dilations, pad_type and pad of op o (kernel sizes already
 * in w->k, w->ns and w->in set) and compute the padding and output size;
 * ceil_mode for pooling.  -1 after rt_fail on bad operands or an empty
 * output. */
int rt_window(RtCtx *c, const RtOp *o, RtWindow *w, bool ceil_mode);

#endif
