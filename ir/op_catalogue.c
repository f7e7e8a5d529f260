/*
 * op_catalogue.c - the op table (ir/op_table.def) expanded into static const
 * arrays, and lookups over it.
 *
 *   op_names[OPID_COUNT]        sorted by name: bsearch -> OpId
 *   op_first_row[OPID_COUNT+1]  OpId -> its rows [first, next first)
 *   op_rows[ROW_COUNT]          OpInfo, sorted by (name, since)
 *
 * Everything is built by the compiler; nothing is initialised at run time.
 */
#include "ir/op_catalogue.h"

#include <stdlib.h>
#include <string.h>

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ rows */

/* One index per OP / OP_V line, in table order.  ORDER OP. */
enum {
#define OP(name, since, ...) ROW_##name##_##since,
#define OP_V(name, since, ...) ROW_##name##_##since,
#include "ir/op_table.def"
#undef OP
#undef OP_V
	ROW_COUNT
};
static_assert(ROW_COUNT <= UINT16_MAX, "row indices are uint16_t");

/* Column constructors used by op_table.def. */
#define REQ false
#define OPT true
#define WEIGHT true
#define PLAIN false
#define IN(nm, knd, dts, tv, rmin, rmax, same, rtext, opt, dflt, weight) \
	{ .name = #nm, .kind = OPND_##knd, .dtypes = (dts), .tvar = TV_##tv, \
	  .rank_min = (rmin), .rank_max = (rmax), .rank_same_as = (same), \
	  .rank_text = (rtext), .optional = (opt), .def = (dflt), .is_weight = (weight) },
#define OUT_TV(tv) { .rule = OUTDT_TVAR, .tvar = TV_##tv, .dt = DT_COUNT, .operand = NULL }
#define OUT_DT(d) { .rule = OUTDT_FIXED, .tvar = TV_NONE, .dt = DT_##d, .operand = NULL }
#define OUT_OPND(o) { .rule = OUTDT_OPERAND, .tvar = TV_NONE, .dt = DT_COUNT, .operand = #o }
#define OUT_RULE { .rule = OUTDT_RULE, .tvar = TV_NONE, .dt = DT_COUNT, .operand = NULL }
#define OUTS(nmin, nmax, ...) \
	.nout_min = (nmin), .nout_max = (nmax), \
	.outputs = (const OpOutputInfo[]){ __VA_ARGS__ }, \
	.noutputs = sizeof((const OpOutputInfo[]){ __VA_ARGS__ }) / sizeof(OpOutputInfo)
#define NO_OUTS .nout_min = 0, .nout_max = 0, .outputs = NULL, .noutputs = 0

#define ROW(op_, since_, rule_, flags_, cost_, nblocks_, outs, ...) \
	[ROW_##op_##_##since_] = { \
		.name = #op_, .id = OPID_##op_, .since = OPSET_##since_, \
		.rule = RULE_##rule_, .flags = (flags_), .cost_class = OPC_##cost_, \
		.nblocks = (nblocks_), outs, \
		.operands = (const OpOperandInfo[]){ __VA_ARGS__ }, \
		.noperands = sizeof((const OpOperandInfo[]){ __VA_ARGS__ }) \
			/ sizeof(OpOperandInfo) },

static const OpInfo op_rows[ROW_COUNT] = {
#define OP ROW
#define OP_V ROW
#include "ir/op_table.def"
#undef OP
#undef OP_V
};

#undef ROW
#undef NO_OUTS
#undef OUTS
#undef OUT_RULE
#undef OUT_OPND
#undef OUT_DT
#undef OUT_TV
#undef IN
#undef PLAIN
#undef WEIGHT
#undef OPT
#undef REQ

/* ------------------------------------------------------------------ indexes */

static const char *const op_names[OPID_COUNT] = {
#define OP(name, ...) [OPID_##name] = #name,
#define OP_V(name, ...)
#include "ir/op_table.def"
#undef OP
#undef OP_V
};

/* An op's rows follow its OP line, so they run up to the next op's first. */
static const uint16_t op_first_row[OPID_COUNT + 1] = {
#define OP(name, since, ...) [OPID_##name] = ROW_##name##_##since,
#define OP_V(name, ...)
#include "ir/op_table.def"
#undef OP
#undef OP_V
	[OPID_COUNT] = ROW_COUNT,
};

static const char *const rule_names[] = {
#define RULE(id, name) [RULE_##id] = name,
#include "ir/op_rules.def"
#undef RULE
};
static_assert(countof(rule_names) == RULE_COUNT, "one name per rule");

static const char *const tvar_names[] = {
#define X(e, s) [TV_##e] = s,
	OP_TVAR_LIST(X)
#undef X
};
static_assert(countof(tvar_names) == TV_COUNT, "one name per type variable");

static const char *const kind_names[] = {
	[OPND_TENSOR] = "tensor",
	[OPND_CONST] = "const",
	[OPND_TUPLE] = "tuple",
	[OPND_LIST] = "list",
	[OPND_CONST_LIST] = "const list",
	[OPND_STATE] = "state",
	[OPND_ATTR] = "attribute",
	[OPND_VALUE] = "value",
};
static_assert(countof(kind_names) == OPND_KIND_COUNT, "one name per operand kind");

/* ------------------------------------------------------------------ opsets */

static const struct {
	const char *name;
	int level;
} opset_spellings[] = {
	{ "ios15", OPSET_IOS15 }, { "ios16", OPSET_IOS16 }, { "ios17", OPSET_IOS17 },
	{ "ios18", OPSET_IOS18 }, { "ios26", OPSET_IOS26 },
	{ "CoreML5", OPSET_IOS15 }, { "CoreML6", OPSET_IOS16 }, { "CoreML7", OPSET_IOS17 },
	{ "CoreML8", OPSET_IOS18 }, { "CoreML9", OPSET_IOS26 },
};

int opset_level(const char *name)
{
	if (!name)
		return OPSET_UNKNOWN;
	for (size_t i = 0; i < countof(opset_spellings); i++)
		if (strcmp(name, opset_spellings[i].name) == 0)
			return opset_spellings[i].level;
	return OPSET_UNKNOWN;
}

const char *opset_name(int level)
{
	/* The model.mil spellings come first in opset_spellings. */
	for (size_t i = 0; i < countof(opset_spellings); i++)
		if (opset_spellings[i].level == level)
			return opset_spellings[i].name;
	return NULL;
}

/* ------------------------------------------------------------------ lookup */

/* strcmp's order, inline: every pass looks ops up by kind, and a call per
 * probe cost more than the short names it compares. */
static inline int name_cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

static int find_id(const char *name)
{
	if (!name)
		return -1;
	size_t lo = 0, hi = OPID_COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, op_names[mid]);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const OpInfo *op_catalogue_by_id(OpId id, int opset_level)
{
	if ((unsigned)id >= OPID_COUNT)
		return NULL;
	const OpInfo *best = NULL;
	for (unsigned r = op_first_row[id]; r < op_first_row[id + 1]; r++) {
		if (op_rows[r].since > opset_level)
			break;
		best = &op_rows[r];
	}
	return best;
}

const OpInfo *op_catalogue_lookup(const char *name, int opset_level)
{
	int id = find_id(name);
	return id < 0 ? NULL : op_catalogue_by_id((OpId)id, opset_level);
}

const OpInfo *op_catalogue_first(const char *name)
{
	int id = find_id(name);
	return id < 0 ? NULL : &op_rows[op_first_row[id]];
}

int op_catalogue_count(int opset_level)
{
	int n = 0;
	for (unsigned id = 0; id < OPID_COUNT; id++)
		n += op_rows[op_first_row[id]].since <= opset_level;
	return n;
}

size_t op_catalogue_nrows(void) { return ROW_COUNT; }

const OpInfo *op_catalogue_row(size_t i)
{
	return i < ROW_COUNT ? &op_rows[i] : NULL;
}

int op_info_until(const OpInfo *info)
{
	size_t next = (size_t)(info - op_rows) + 1;
	if (next < ROW_COUNT && op_rows[next].id == info->id)
		return op_rows[next].since - 1;
	return OPSET_NEWEST;
}

int op_info_operand_index(const OpInfo *info, const char *name)
{
	if (!info || !name)
		return -1;
	for (unsigned i = 0; i < info->noperands; i++)
		if (info->operands[i].name[0] == name[0] && strcmp(info->operands[i].name, name) == 0)
			return (int)i;
	return -1;
}

const OpOperandInfo *op_info_operand(const OpInfo *info, const char *name)
{
	int i = op_info_operand_index(info, name);
	return i < 0 ? NULL : &info->operands[i];
}

/* ------------------------------------------------------------------ names */

const char *op_id_name(OpId id)
{
	return (unsigned)id < OPID_COUNT ? op_names[id] : NULL;
}

const char *infer_rule_name(InferRule r)
{
	return (unsigned)r < RULE_COUNT ? rule_names[r] : NULL;
}

const char *op_tvar_name(OpTypeVar tv)
{
	return (unsigned)tv < TV_COUNT ? tvar_names[tv] : NULL;
}

const char *opnd_kind_name(OpndKind k)
{
	return (unsigned)k < OPND_KIND_COUNT ? kind_names[k] : NULL;
}

static const char *const cost_class_names[] = {
#define X(e, name) [OPC_##e] = name,
	OP_COST_CLASS_LIST(X)
#undef X
};
static_assert(countof(cost_class_names) == OPC_COUNT, "one name per cost class");

const char *op_cost_class_name(OpCostClass c)
{
	return (unsigned)c < OPC_COUNT ? cost_class_names[c] : NULL;
}
