/* op_props.c - every op's catalogue row resolved once, and the per-op facts
 * passes ask of an op (const-ness, comparison, element-wise, data movement,
 * cost class, weight operands), read from the row's columns
 * (scripts/gen_op_table.py) instead of comparing kind strings. */
#include "ir/op_catalogue.h"

#include <string.h>

/* ------------------------------------------------------------------ resolution */

/* The row in force at `level`; an op that exists only in a newer opset gets
 * its first row, so that its id and facts are known (the infer pass reports
 * "needs opset X": info->since > the level tells it). */
static const OpInfo *row_at(const char *kind, int level)
{
	const OpInfo *info = op_catalogue_lookup(kind, level);
	return info ? info : op_catalogue_first(kind);
}

static void resolve_block(Block *b, int func_level)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		int level = op->opset ? opset_level(op->opset) : 0;
		op->info = row_at(op->kind, level ? level : func_level);
		for (uint32_t k = 0; k < op->nblocks; k++)
			resolve_block(op->blocks[k], func_level);
	}
}

void ir_resolve_ops(Module *m)
{
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		Func *f = m->funcs.v[i];
		int level = f->opset ? opset_level(f->opset) : 0;
		if (f->body)
			resolve_block(f->body, level ? level : OPSET_NEWEST);
	}
}

/* The op's row: the resolved one, else (a module built without the loader,
 * e.g. a test's parse) the first row of its kind, which has the same id and
 * per-op facts. */
static const OpInfo *op_row(const Op *op)
{
	return op->info ? op->info : op_catalogue_first(op->kind);
}

OpId ir_op_id(const Op *op)
{
	const OpInfo *info = op_row(op);
	return info ? info->id : OPID_UNKNOWN;
}

/* ------------------------------------------------------------------ facts */

static bool has_flag(const Op *op, unsigned flag)
{
	const OpInfo *info = op_row(op);
	return info && (info->flags & flag) != 0;
}

bool op_is_const(const Op *op)
{
	if (!op || !op->kind)
		return false;
	const OpInfo *info = op_row(op);
	if (info)
		return (info->flags & OPF_CONSTEXPR) != 0;
	/* a constexpr_* the catalogue does not know yet is still a constant */
	return strncmp(op->kind, "constexpr_", 10) == 0;
}

bool op_is_comparison(const Op *op)
{
	return has_flag(op, OPF_COMPARISON);
}

bool op_is_elementwise(const Op *op)
{
	return has_flag(op, OPF_UNARY_ELEMENTWISE | OPF_BROADCAST_ELEMENTWISE);
}

bool op_is_data_movement(const Op *op)
{
	return has_flag(op, OPF_DATA_MOVEMENT);
}

/* Layers outside the catalogue (NeuralNetwork models keep them as nn.*),
 * classed as the cost model has always treated them. */
static const struct {
	const char *kind;
	OpCostClass cls;
} legacy_cost_classes[] = {
	{ "nn.batchnorm", OPC_NORM }, { "nn.branch", OPC_CONTROL }, { "nn.loop", OPC_CONTROL },
	{ "nn.embedding", OPC_MOVE }, { "nn.embeddingND", OPC_MOVE }, { "call", OPC_CONTROL },
};

OpCostClass op_cost_class(const Op *op)
{
	const OpInfo *info = op_row(op);
	if (info)
		return (OpCostClass)info->cost_class;
	for (size_t i = 0; i < sizeof legacy_cost_classes / sizeof *legacy_cost_classes; i++)
		if (strcmp(legacy_cost_classes[i].kind, op->kind) == 0)
			return legacy_cost_classes[i].cls;
	return OPC_ELEM;
}

bool op_operand_is_weight(const Op *op, const char *name)
{
	const OpInfo *info = op_row(op);
	const OpOperandInfo *oi = info ? op_info_operand(info, name) : NULL;
	if (oi)
		return oi->is_weight;
	/* not a catalogued operand: the same spelling rule the table applies */
	return strncmp(name, "weight", 6) == 0 || strncmp(name, "bias", 4) == 0;
}
