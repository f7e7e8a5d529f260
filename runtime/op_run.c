/*
 * op_run.c - one op through its kernel (Lua's vmcase, SQLite VDBE's
 * nExec/nCycle): the per-op counter and wall-time accumulator, and the
 * watch for the first op whose output holds NaN or Inf.
 */
#include <math.h>
#include <time.h>

#include "runtime/rt_int.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool has_nonfinite(const RtTensor *t)
{
	if (t->dt != DT_FP32 || !t->data)
		return false;
	const float *d = t->data;
	for (int64_t i = 0; i < t->numel; i++)
		if (!isfinite(d[i]))
			return true;
	return false;
}

int rt_op_run(RtCtx *c, RtOp *o)
{
	if (o->folded)
		return 0;
	const RtOp *outer = c->cur;
	c->cur = o;
	double t0 = now_seconds();
	int rc = o->fn(c, o);
	double dt = now_seconds() - t0;
	c->cur = outer;
	if (o->stat) {
		o->stat->calls++;
		o->stat->seconds += dt;
	}
	if (rc < 0)
		return -1;
	if (!c->p->stats.first_nonfinite)
		for (uint32_t i = 0; i < o->nouts; i++)
			if (has_nonfinite(o->outs[i])) {
				c->p->stats.first_nonfinite = o->op;
				break;
			}
	return 0;
}

double rt_now_seconds(void)
{
	return now_seconds();
}
