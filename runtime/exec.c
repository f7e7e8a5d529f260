/*
 * exec.c - the executor: inputs bound and checked against the function's
 * declared types, the segments run in order on their devices, nested
 * blocks run for control-flow kernels, and the results stored back in
 * their declared dtype (Core ML's CPU path computes in fp32; issue 10
 * item 3).
 */
#include <string.h>

#include "runtime/rt_int.h"

uint32_t rt_num_inputs(const RtProgram *p)
{
	return p->f->body->nparams;
}

const char *rt_input_name(const RtProgram *p, uint32_t i)
{
	return ir_value(p->f, p->f->body->params[i])->name;
}

const Type *rt_input_type(const RtProgram *p, uint32_t i)
{
	return ir_value(p->f, p->f->body->params[i])->type;
}

bool rt_input_is_state(const RtProgram *p, uint32_t i)
{
	const Type *t = rt_input_type(p, i);
	return t && t->kind == TY_STATE;
}

uint32_t rt_num_outputs(const RtProgram *p)
{
	return p->f->body->nouts;
}

const char *rt_output_name(const RtProgram *p, uint32_t i)
{
	return ir_value(p->f, p->f->body->outs[i])->name;
}

const RtTensor *rt_output(const RtProgram *p, uint32_t i)
{
	return p->outputs_valid && i < p->f->body->nouts ? &p->outputs[i] : NULL;
}

const RtTensor *rt_state(const RtProgram *p, uint32_t i)
{
	return i < rt_num_inputs(p) && rt_input_is_state(p, i) ? &p->vals[p->f->body->params[i]]
	                                                      : NULL;
}

const RtStats *rt_stats(const RtProgram *p)
{
	return &p->stats;
}

static int find_input(const RtProgram *p, const char *name)
{
	for (uint32_t i = 0; i < rt_num_inputs(p); i++)
		if (strcmp(rt_input_name(p, i), name) == 0)
			return (int)i;
	return -1;
}

static void shape_text(int32_t rank, const int64_t *dims, const Dim *decl, char *buf, size_t n)
{
	size_t at = (size_t)snprintf(buf, n, "(");
	for (int32_t i = 0; i < rank && at < n; i++) {
		const char *sep = i ? ", " : "";
		if (decl && decl[i].kind != DIM_CONST)
			at += (size_t)snprintf(buf + at, n - at, "%s%s", sep,
			                       decl[i].kind == DIM_SYM ? decl[i].sym : "?");
		else
			at += (size_t)snprintf(buf + at, n - at, "%s%lld", sep,
			                       (long long)(decl ? decl[i].size : dims[i]));
	}
	if (at < n)
		snprintf(buf + at, n - at, rank == 1 ? ",)" : ")");
}

/* The given tensor against a declared tensor type: dtype, rank, every
 * known dim (a flexible dim takes any size). */
static int check_against(const RtProgram *p, const char *what, const char *name,
                         const Type *decl, const RtTensor *t, const char *code, DiagList *dl)
{
	if (!decl || decl->kind != TY_TENSOR)
		return 0;
	char want[256], got[256];
	if (t->dt != decl->dt) {
		diag_add(dl, SEV_ERROR, code, p->f->loc, "%s '%s': dtype %s expected, %s given",
		         what, name, dtype_name(decl->dt), dtype_name(t->dt));
		return -1;
	}
	bool ok = decl->rank < 0 || decl->rank == t->rank;
	for (int32_t i = 0; ok && decl->rank >= 0 && i < t->rank; i++)
		ok = decl->dims[i].kind != DIM_CONST || decl->dims[i].size == t->dims[i];
	if (ok)
		return 0;
	shape_text(decl->rank < 0 ? 0 : decl->rank, NULL, decl->dims, want, sizeof want);
	shape_text(t->rank, t->dims, NULL, got, sizeof got);
	diag_add(dl, SEV_ERROR, code, p->f->loc, "%s '%s': shape %s expected, %s given", what, name,
	         want, got);
	return -1;
}

int rt_set_input(RtProgram *p, const char *name, const RtTensor *t, DiagList *dl)
{
	int i = find_input(p, name);
	if (i < 0 || rt_input_is_state(p, (uint32_t)i)) {
		diag_add(dl, SEV_ERROR, RT_E_INPUT, p->f->loc, "function %s has no input '%s'",
		         p->f->name, name);
		return -1;
	}
	if (check_against(p, "input", name, rt_input_type(p, (uint32_t)i), t, RT_E_INPUT, dl) < 0)
		return -1;
	RtTensor *slot = &p->vals[p->f->body->params[i]];
	if (rt_tensor_convert(slot, t, rt_storage_dtype(t->dt)) < 0) {
		diag_add(dl, SEV_ERROR, RT_E_MEMORY, p->f->loc, "input '%s' too large", name);
		return -1;
	}
	p->input_set[i] = true;
	return 0;
}

int rt_set_state(RtProgram *p, const char *name, const RtTensor *t, DiagList *dl)
{
	int i = find_input(p, name);
	if (i < 0 || !rt_input_is_state(p, (uint32_t)i)) {
		diag_add(dl, SEV_ERROR, RT_E_STATE, p->f->loc, "function %s has no state '%s'",
		         p->f->name, name);
		return -1;
	}
	const Type *w = rt_input_type(p, (uint32_t)i)->elem;
	if (check_against(p, "state", name, w, t, RT_E_STATE, dl) < 0)
		return -1;
	RtTensor *slot = &p->vals[p->f->body->params[i]];
	if (rt_tensor_convert(slot, t, rt_storage_dtype(t->dt)) < 0)
		return -1;
	return 0;
}

static int run_block(RtCtx *c, RtBlock *b)
{
	for (uint32_t i = 0; i < b->nops; i++)
		if (rt_op_run(c, &b->ops[i]) < 0)
			return -1;
	return 0;
}

/* Results in their declared dtype (fp16 outputs rounded once, here). */
static int store_outputs(RtProgram *p, DiagList *dl)
{
	for (uint32_t i = 0; i < rt_num_outputs(p); i++) {
		const RtTensor *v = p->body.outs[i];
		const Type *t = ir_value(p->f, p->f->body->outs[i])->type;
		DType dt = t && t->kind == TY_TENSOR ? t->dt : v->dt;
		if (!v->data || rt_tensor_convert(&p->outputs[i], v, dt) < 0) {
			diag_add(dl, SEV_ERROR, RT_E_OP, p->f->loc, "output '%s' was not computed",
			         rt_output_name(p, i));
			return -1;
		}
	}
	return 0;
}

int rt_run(RtProgram *p, DiagList *dl)
{
	p->outputs_valid = false;
	for (uint32_t i = 0; i < rt_num_inputs(p); i++)
		if (!p->input_set[i]) {
			diag_add(dl, SEV_ERROR, RT_E_INPUT, p->f->loc, "input '%s' of %s is missing",
			         rt_input_name(p, i), p->f->name);
			return -1;
		}
	RtCtx c = { .p = p, .dl = dl, .run_block = run_block, .loop_cap = p->opts.loop_cap };
	p->stats.first_nonfinite = NULL;
	double t0 = rt_now_seconds();
	for (uint32_t s = 0; s < p->nsegs; s++) {
		RtSeg *seg = &p->segs[s];
		if (seg->dev->eval(seg->prog, &c) < 0)
			return -1;
	}
	if (store_outputs(p, dl) < 0)
		return -1;
	p->stats.run_seconds = rt_now_seconds() - t0;
	p->stats.runs++;
	p->stats.activation_bytes = p->act_bytes;
	for (uint32_t s = 0; s < p->nsegs; s++) {
		p->segs[s].dev->stats(p->segs[s].prog, &p->segs[s].stat);
		p->segstats[s] = p->segs[s].stat;
	}
	p->outputs_valid = true;
	return 0;
}
