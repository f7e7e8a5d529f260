/* ane_testutil.h - helpers for the tests of the ANE passes (legality,
 * placement, partition, flex): run a small MIL program through the whole
 * pipeline and read the results of one op back. */
#ifndef ANELINT_ANE_TESTUTIL_H
#define ANELINT_ANE_TESTUTIL_H

#include "infer_util.h"
#include "passes/ane/ane.h"

/* A weight of type T (e.g. "tensor<fp16, [64, 64, 3, 3]>") read from a blob
 * that need not exist: the passes only need its type. */
#define BLOB(T) T "(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64(64)))"
/* `T name = const()[...]` with a blob value, as a body statement. */
#define WEIGHT(T, name) S(T " " name " = const()[name = string(\"" name "\"), val = " BLOB(T) "]")

/* Run a one-function program with options (NULL: defaults) for a chip
 * (NULL: the default). */
static inline void ane_run(Run *r, const char *opset, const char *params, const char *body,
                           const char *outs, const char *chip)
{
	PassOptions o;
	pass_options_init(&o);
	if (chip) {
		o.chip = ane_chip_find(chip);
		assert_non_null(o.chip);
	}
	char *t = prog(opset, params, body, outs);
	run_opts(r, t, &o);
	free(t);
}

/* The op whose first output (or `name` attribute) is `name`, in function 0. */
static inline const Op *op_named(const Run *r, const char *name)
{
	const Func *f = r->m->funcs.v[0];
	ValueId id = value_named(f, name);
	if (id != VALUE_NONE && ir_value(f, id)->def)
		return ir_value(f, id)->def;
	fail_msg("no op defines '%s'", name);
	return NULL;
}

static inline const OpPlacement *placed(const Run *r, const char *name)
{
	const OpPlacement *p = ane_op_placement(r->ctx, r->m->funcs.v[0], op_named(r, name));
	assert_non_null(p);
	return p;
}

/* The reason with this code on the op, or NULL. */
static inline const AneReason *reason_of(const OpPlacement *p, const char *code)
{
	for (uint32_t i = 0; i < p->nreasons; i++)
		if (strcmp(p->reasons[i].rule->code, code) == 0)
			return &p->reasons[i];
	for (int cu = 0; cu < CU_COUNT; cu++)
		if (p->not_preferred[cu] && strcmp(p->not_preferred[cu]->rule->code, code) == 0)
			return p->not_preferred[cu];
	return NULL;
}

static inline bool ane_ok(const OpPlacement *p)
{
	return (p->supported & DEVM(DEV_ANE)) != 0;
}

#endif
