/*
 * fp16_device.c - the segment program of the fp16 devices (fp16_device.h).
 *
 * Weights are baked at compile, as on the ANE (ane-hardware.md 1.3:
 * "weights are baked into the compiled program; changing weights needs
 * recompilation"): the program keeps its own fp16-rounded copy of every
 * float constant its ops read, and rebinds the ops to the copies, so
 * nothing that happens to the runtime's decoded weights afterwards reaches
 * the device until the segment is compiled again.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/fp16_device.h"

typedef struct Baked {
	RtTensor **slot;        /* the op operand rebound to the copy */
	RtTensor *orig;
	RtTensor copy;
} Baked;

struct RtSegProgram {
	const char *device;
	const RtProgram *p;
	Fp16Scope scope;
	Fp16Numerics num;
	uint32_t nops;
	RtOp **ops;
	bool *mac;              /* per op */
	Fp16Fixup *fixup;       /* per op, or NULL */
	uint32_t *out_at;       /* per op: its first entry in round_out */
	bool *round_out;        /* per op output: rounded after the op */
	uint32_t nbaked;
	Baked *baked;
	uint32_t nin;
	RtTensor **ins;         /* values entering the segment (rounded at entry) */
	Fp16Model model;
	uint64_t calls;
	double seconds;
};

bool fp16_op_is_mac(const RtOp *o)
{
	OpCostClass c = op_cost_class(o->op);
	return c == OPC_CONV || c == OPC_MATMUL || c == OPC_SDPA || c == OPC_RNN;
}

/* A constant of the program: a value decoded at load, or a literal. */
static bool is_constant(const RtProgram *p, const RtTensor *t)
{
	if (t >= p->vals && t < p->vals + p->nvals)
		return p->is_const[t - p->vals];
	for (uint32_t i = 0; i < p->nconsts; i++)
		if (p->consts[i] == t)
			return true;
	return false;
}

static bool produced_in(RtOp **ops, uint32_t nops, const RtTensor *t)
{
	for (uint32_t i = 0; i < nops; i++)
		for (uint32_t k = 0; k < ops[i]->nouts; k++)
			if (ops[i]->outs[k] == t)
				return true;
	return false;
}

static DType declared_dtype(const RtProgram *p, ValueId id)
{
	const Type *t = ir_value(p->f, id)->type;
	return t && t->kind == TY_TENSOR ? t->dt : DT_FP32;
}

/* The program's fp16 copy of constant t, bound to *slot. */
static int bake(RtSegProgram *sp, RtTensor **slot, uint32_t cap)
{
	RtTensor *t = *slot;
	if (sp->nbaked == cap)
		return -1;
	Baked *b = &sp->baked[sp->nbaked];
	if (rt_tensor_convert(&b->copy, t, DT_COUNT) < 0)
		return -1;
	fp16_round_array(b->copy.data, b->copy.numel, false, false);
	b->slot = slot;
	b->orig = t;
	*slot = &b->copy;
	sp->nbaked++;
	return 0;
}

static uint32_t count_operands(RtOp **ops, uint32_t nops, uint32_t *nouts)
{
	uint32_t n = 0;
	*nouts = 0;
	for (uint32_t i = 0; i < nops; i++) {
		for (uint32_t a = 0; a < ops[i]->nargs; a++)
			n += ops[i]->args[a].n;
		*nouts += ops[i]->nouts;
	}
	return n;
}

static void add_input(RtSegProgram *sp, RtTensor *t)
{
	for (uint32_t i = 0; i < sp->nin; i++)
		if (sp->ins[i] == t)
			return;
	sp->ins[sp->nin++] = t;
}

/* Bake the float constants of op o, and note the values it reads from
 * outside the segment. */
static int bind_operands(RtSegProgram *sp, RtOp *o, uint32_t cap)
{
	for (uint32_t a = 0; a < o->nargs; a++)
		for (uint32_t j = 0; j < o->args[a].n; j++) {
			RtTensor **slot = &o->args[a].t[j];
			if (!*slot || (*slot)->dt != DT_FP32)
				continue;
			if (is_constant(sp->p, *slot)) {
				if (sp->scope == FP16_SCOPE_ALL && bake(sp, slot, cap) < 0)
					return -1;
			} else if (!produced_in(sp->ops, sp->nops, *slot)) {
				add_input(sp, *slot);
			}
		}
	return 0;
}

RtSegProgram *fp16_seg_compile(RtOp **ops, uint32_t nops, const RtCompileEnv *env,
                               Fp16Scope scope, Fp16FixupFor fixup_for, const char *device)
{
	uint32_t nouts, noperands = count_operands(ops, nops, &nouts);
	RtSegProgram *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	sp->device = device;
	sp->p = env->p;
	sp->scope = scope;
	sp->num = env->p->opts.fp16;
	sp->nops = nops;
	sp->ops = calloc(nops + 1, sizeof *sp->ops);
	sp->mac = calloc(nops + 1, sizeof *sp->mac);
	sp->fixup = calloc(nops + 1, sizeof *sp->fixup);
	sp->out_at = calloc(nops + 1, sizeof *sp->out_at);
	sp->round_out = calloc(nouts + 1, sizeof *sp->round_out);
	sp->baked = calloc(noperands + 1, sizeof *sp->baked);
	sp->ins = calloc(noperands + 1, sizeof *sp->ins);
	if (!sp->ops || !sp->mac || !sp->fixup || !sp->out_at || !sp->round_out || !sp->baked || !sp->ins) {
		fp16_seg_unload(sp);
		return NULL;
	}
	memcpy(sp->ops, ops, nops * sizeof *ops);
	uint32_t at = 0;
	for (uint32_t i = 0; i < nops; i++) {
		RtOp *o = ops[i];
		sp->mac[i] = fp16_op_is_mac(o);
		sp->fixup[i] = fixup_for ? fixup_for(o) : NULL;
		sp->out_at[i] = at;
		for (uint32_t k = 0; k < o->nouts; k++)
			sp->round_out[at++] = scope == FP16_SCOPE_ALL ||
			                      declared_dtype(env->p, o->out_ids[k]) == DT_FP16;
		if (bind_operands(sp, o, noperands) < 0) {
			fp16_seg_unload(sp);
			return NULL;
		}
	}
	return sp;
}

void fp16_seg_set_model(RtSegProgram *sp, Fp16Model model)
{
	sp->model = model;
}

uint64_t fp16_seg_weight_bytes(const RtSegProgram *sp)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < sp->nbaked; i++)
		n += (uint64_t)sp->baked[i].copy.numel * 2;
	return n;
}

int fp16_seg_load(RtSegProgram *sp, DiagList *dl)
{
	(void)sp;
	(void)dl;
	return 0;
}

/* Round t to fp16; true when it then holds Inf or NaN. */
static bool round_tensor(const RtSegProgram *sp, RtTensor *t, bool mac)
{
	return t && t->dt == DT_FP32 && t->data &&
	       fp16_round_array(t->data, t->numel,
	                        mac && sp->num.subnormal == FP16_SUBNORMAL_FLUSH_MAC,
	                        sp->num.nan == FP16_NAN_ZERO);
}

int fp16_seg_eval(RtSegProgram *sp, RtCtx *c)
{
	double t0 = rt_now_seconds();
	if (sp->scope == FP16_SCOPE_ALL)
		for (uint32_t i = 0; i < sp->nin; i++)
			round_tensor(sp, sp->ins[i], false);
	for (uint32_t i = 0; i < sp->nops; i++) {
		RtOp *o = sp->ops[i];
		if (rt_op_run(c, o) < 0)
			return -1;
		if (sp->fixup[i])
			sp->fixup[i](o);
		/* an fp32 value past 65504 becomes Inf only here: the first
		 * non-finite op is the one whose rounded output overflowed */
		for (uint32_t k = 0; k < o->nouts; k++)
			if (sp->round_out[sp->out_at[i] + k] && round_tensor(sp, o->outs[k], sp->mac[i]) &&
			    !c->p->stats.first_nonfinite)
				c->p->stats.first_nonfinite = o->op;
	}
	sp->calls++;
	sp->seconds += rt_now_seconds() - t0;
	return 0;
}

void fp16_seg_unload(RtSegProgram *sp)
{
	if (!sp)
		return;
	for (uint32_t i = sp->nbaked; i-- > 0;) {
		*sp->baked[i].slot = sp->baked[i].orig;
		rt_tensor_free(&sp->baked[i].copy);
	}
	free(sp->ops);
	free(sp->mac);
	free(sp->fixup);
	free(sp->out_at);
	free(sp->round_out);
	free(sp->baked);
	free(sp->ins);
	free(sp);
}

void fp16_seg_stats(const RtSegProgram *sp, RtSegmentStat *out)
{
	out->device = sp->device;
	out->nops = sp->nops;
	out->calls = sp->calls;
	out->seconds = sp->seconds;
	out->model_compile_ms = sp->model.compile_ms;
	out->model_load_ms = sp->model.load_ms;
	out->hw_execution_ms = sp->model.hw_execution_ms;
}
