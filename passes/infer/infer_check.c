/* infer_check.c - operand checks against the op catalogue row: presence of
 * required operands, operands the op does not have, binding arity (tuple or
 * single value), kind (tensor, list, state), dtype, rank, const-ness and
 * type variables.  Each violation is one diagnostic naming the op, the
 * operand, what the row expects and what was found.
 *
 * Legacy neural-network functions get the presence checks only: their
 * layers compute in fp32 whatever the stored weight type, and their rank
 * rules are the layers', not the MIL ops' (nn-layers.md §1.2). */
#include "passes/infer/infer_int.h"

#include <string.h>

static void mask_text(uint32_t mask, char *buf, size_t n)
{
	size_t k = 0;
	buf[0] = 0;
	if (mask == DTM_ALL) {
		snprintf(buf, n, "any");
		return;
	}
	for (int d = 0; d < DT_COUNT; d++) {
		if (!(mask & (1u << d)))
			continue;
		int w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", dtype_name((DType)d));
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

static void rank_text(const OpOperandInfo *oi, char *buf, size_t n)
{
	if (oi->rank_max == OP_RANK_UNBOUNDED)
		snprintf(buf, n, "at least %d", oi->rank_min);
	else if (oi->rank_min == oi->rank_max)
		snprintf(buf, n, "%d", oi->rank_min);
	else
		snprintf(buf, n, "%d to %d", oi->rank_min, oi->rank_max);
}

static const char *where(const Operand *o, uint32_t j, char *buf, size_t n)
{
	if (o && o->n > 1)
		snprintf(buf, n, " (element %u)", j);
	else
		buf[0] = 0;
	return buf;
}

/* The rank of another operand's first binding, or -1. */
static int32_t operand_rank(const IOp *io, const char *name)
{
	const Type *t = io_type(io, name);
	if (!t)
		return -1;
	if (t->kind == TY_STATE && t->elem)
		t = t->elem;
	return t->kind == TY_TENSOR ? t->rank : -1;
}

static void check_type(IOp *io, const OpOperandInfo *oi, const Operand *o, uint32_t j,
                       const Type *t, bool is_const)
{
	char at[32], want[256];
	where(o, j, at, sizeof at);
	const Type *et = t;
	switch (oi->kind) {
	case OPND_STATE:
		if (t->kind != TY_STATE) {
			io_err(io, I_OPERAND_KIND, "operand '%s'%s must be a state, found a %s", oi->name,
			       at, t->kind == TY_TENSOR ? "tensor" : "non-tensor value");
			return;
		}
		et = t->elem;
		break;
	case OPND_LIST:
		if (t->kind != TY_LIST)
			io_err(io, I_OPERAND_KIND, "operand '%s'%s must be a list", oi->name, at);
		return;
	case OPND_CONST_LIST:
	case OPND_VALUE:
	case OPND_ATTR:
		return;
	case OPND_TUPLE:
		/* loop-carried values may be lists as well as tensors */
		if (io->info->rule == RULE_WHILE_LOOP && t->kind != TY_TENSOR)
			return;
		/* fall through */
	default:
		if (t->kind != TY_TENSOR && t->kind != TY_TENSOR_BUFFER) {
			io_err(io, I_OPERAND_KIND, "operand '%s'%s must be a tensor", oi->name, at);
			return;
		}
		break;
	}
	if (oi->kind == OPND_CONST && !is_const)
		io_diag(io, SEV_ERROR, I_OPERAND_CONST,
		        "compute it ahead of time (a const op) or use the op's newer opset",
		        "operand '%s'%s must be a compile-time constant, found a value computed "
		        "at run time", oi->name, at);
	if (!et || (et->kind != TY_TENSOR && et->kind != TY_TENSOR_BUFFER))
		return;
	if (!(oi->dtypes & (1u << et->dt))) {
		mask_text(oi->dtypes, want, sizeof want);
		io_diag(io, SEV_ERROR, I_OPERAND_DTYPE, "cast the operand to an allowed dtype",
		        "operand '%s'%s has dtype %s; allowed: %s", oi->name, at,
		        dtype_name(et->dt), want);
	} else if (oi->tvar != TV_NONE) {
		DType *bound = &io->tv[oi->tvar];
		if (*bound == DT_COUNT) {
			*bound = et->dt;
		} else if (*bound != et->dt) {
			/* name the operand that bound the variable */
			const char *first = "another operand";
			for (uint8_t k = 0; k < io->info->noperands; k++)
				if (io->info->operands[k].tvar == oi->tvar && &io->info->operands[k] != oi &&
				    io_has(io, io->info->operands[k].name)) {
					first = io->info->operands[k].name;
					break;
				}
			io_diag(io, SEV_ERROR, I_TYPEVAR, "cast one of them so that both share a dtype",
			        "operand '%s'%s has dtype %s but '%s' has %s; both are %s",
			        oi->name, at, dtype_name(et->dt), first, dtype_name(*bound),
			        op_tvar_name(oi->tvar));
		}
	}
	if (et->rank >= 0) {
		if (et->rank < oi->rank_min ||
		    (oi->rank_max != OP_RANK_UNBOUNDED && et->rank > oi->rank_max)) {
			rank_text(oi, want, sizeof want);
			io_err(io, I_OPERAND_RANK, "operand '%s'%s has rank %d; expected %s", oi->name,
			       at, et->rank, want);
		} else if (oi->rank_same_as) {
			int32_t r = operand_rank(io, oi->rank_same_as);
			if (r >= 0 && r != et->rank)
				io_err(io, I_OPERAND_RANK, "operand '%s'%s has rank %d; expected the "
				       "rank of '%s', %d", oi->name, at, et->rank, oi->rank_same_as, r);
		}
	}
}

bool infer_check_operands(IOp *io)
{
	const OpInfo *info = io->info;
	const Op *op = io->op;
	bool complete = true;
	for (uint8_t k = 0; k < info->noperands; k++) {
		const OpOperandInfo *oi = &info->operands[k];
		const Operand *o = io->indexed ? io->row_opnd[k] : ir_op_operand(op, oi->name);
		const Lit *attr = o ? NULL : io->indexed ? io->row_attr[k]
		                  : ir_attr_find(op->nattrs, op->attrs, oi->name);
		if (!o && !attr) {
			/* const without `val`: an elided constant, typed by rule_CONST */
			/* legacy layers default what the reader leaves out (states
			 * start at zero): only MIL programs must spell operands out */
			if (!oi->optional && oi->kind != OPND_ATTR && !io->nn) {
				io_diag(io, SEV_ERROR, I_MISSING_OPERAND, "add the operand",
				        "required operand '%s' is missing", oi->name);
				complete = false;
			}
			continue;
		}
		if (io->nn)
			continue;
		if (attr) {
			if (attr->kind == LIT_TENSOR || attr->kind == LIT_BLOB)
				check_type(io, oi, NULL, 0, attr->type, true);
			continue;
		}
		if (oi->kind == OPND_ATTR)
			continue;
		if (oi->kind == OPND_TUPLE) {
			if (o->n == 0)
				io_err(io, I_OPERAND_ARITY, "operand '%s' is an empty tuple", oi->name);
		} else if (o->n != 1) {
			io_err(io, I_OPERAND_ARITY, "operand '%s' takes one value, found a tuple of %u",
			       oi->name, o->n);
			continue;
		}
		for (uint32_t j = 0; j < o->n; j++) {
			const Type *t = io_bind_type(io, &o->b[j]);
			if (t)
				check_type(io, oi, o, j, t, io_bind_is_const(io, &o->b[j]));
		}
	}
	for (uint32_t i = 0; i < op->nargs; i++)
		if (op_info_operand_index(info, op->args[i].name) < 0)
			io_diag(io, SEV_WARNING, I_UNKNOWN_OPERAND, "remove it or check the spelling",
			        "has no operand '%s' at %s; it is ignored", op->args[i].name,
			        opset_name(io->level) ? opset_name(io->level) : "this opset");
	return complete;
}
