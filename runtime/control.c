/*
 * control.c - control flow and state (ops.md cond, while_loop, read_state,
 * write_state).  Nested blocks run through c->run_block (the executor's),
 * so this file never calls back into exec.c.  A while_loop past the
 * iteration cap (RtOptions.loop_cap) is an error naming the op.
 */
#include <string.h>

#include "runtime/rt_int.h"

static int copy_into(RtCtx *c, RtTensor *dst, const RtTensor *src)
{
	if (dst == src)
		return 0;
	if (!src->data && src->numel)
		return rt_fail(c, RT_E_OP, "a value was used before it was computed");
	if (rt_tensor_convert(dst, src, DT_COUNT) < 0)
		return rt_fail(c, RT_E_MEMORY, "out of memory copying a tensor");
	return 0;
}

int rt_exec_cond(RtCtx *c, RtOp *o)
{
	const RtTensor *pred = rt_in(o, "pred");
	if (!pred || pred->numel != 1 || o->nblocks != 2)
		return rt_fail(c, RT_E_OP, "cond needs a scalar pred and two blocks");
	RtBlock *b = o->blocks[rt_tensor_get(pred, 0) != 0 ? 0 : 1];
	if (b->nouts != o->nouts)
		return rt_fail(c, RT_E_OP, "cond: branch gives %u values for %u outputs", b->nouts,
		               o->nouts);
	if (c->run_block(c, b) < 0)
		return -1;
	for (uint32_t i = 0; i < o->nouts; i++)
		if (copy_into(c, o->outs[i], b->outs[i]) < 0)
			return -1;
	return 0;
}

int rt_exec_while_loop(RtCtx *c, RtOp *o)
{
	const RtArg *vars = rt_arg(o, "loop_vars");
	if (!vars || o->nblocks != 2)
		return rt_fail(c, RT_E_OP, "while_loop needs loop_vars and two blocks");
	RtBlock *cond = o->blocks[0], *body = o->blocks[1];
	uint32_t n = vars->n;
	if (cond->nparams != n || body->nparams != n || body->nouts != n || o->nouts != n ||
	    cond->nouts != 1)
		return rt_fail(c, RT_E_OP, "while_loop: blocks do not match its %u loop vars", n);
	for (uint32_t i = 0; i < n; i++)
		if (copy_into(c, o->outs[i], vars->t[i]) < 0)
			return -1;
	for (uint64_t iter = 0;; iter++) {
		for (uint32_t i = 0; i < n; i++)
			if (copy_into(c, cond->params[i], o->outs[i]) < 0)
				return -1;
		if (c->run_block(c, cond) < 0)
			return -1;
		if (cond->outs[0]->numel != 1)
			return rt_fail(c, RT_E_OP, "while_loop: condition is not a scalar");
		if (rt_tensor_get(cond->outs[0], 0) == 0)
			return 0;
		if (iter >= c->loop_cap)
			return rt_fail(c, RT_E_LOOP_CAP, "while_loop ran past its cap of %u iterations",
			               c->loop_cap);
		for (uint32_t i = 0; i < n; i++)
			if (copy_into(c, body->params[i], o->outs[i]) < 0)
				return -1;
		if (c->run_block(c, body) < 0)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			if (copy_into(c, o->outs[i], body->outs[i]) < 0)
				return -1;
	}
}

/* A state input's contents live in its value slot (program.c). */
int rt_exec_read_state(RtCtx *c, RtOp *o)
{
	const RtTensor *s = rt_in(o, "input");
	if (!s || o->nouts != 1)
		return rt_fail(c, RT_E_STATE, "read_state needs a state input");
	return copy_into(c, o->outs[0], s);
}

int rt_exec_write_state(RtCtx *c, RtOp *o)
{
	const RtArg *a = rt_arg(o, "input");
	const RtTensor *d = rt_in(o, "data");
	if (!a || !a->n || !d)
		return rt_fail(c, RT_E_STATE, "write_state needs input and data");
	RtTensor *s = a->t[0];
	bool same = s->rank == d->rank && s->dt == d->dt;
	for (int32_t i = 0; same && i < s->rank; i++)
		same = s->dims[i] == d->dims[i];
	if (!same)
		return rt_fail(c, RT_E_STATE, "write_state: data shape or dtype differs from the state's");
	memcpy(s->data, d->data, (size_t)d->numel * rt_dtype_size(d->dt));
	return 0;
}
