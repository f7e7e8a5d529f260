/* fuzz_run.c - execution (runtime/): the bytes as MIL text; a program that
 * loads and verifies is run by the CPU runtime on inputs filled from a
 * generator seeded by the input, under small caps (loop iterations,
 * activation memory), so hostile shapes and values reach the kernels.
 * Every refusal must be a diagnostic: a crash, overflow or leak is a
 * finding. */
#include "fuzz/fuzz_util.h"
#include "ir/op_catalogue.h"
#include "runtime/runtime.h"

/* Inputs past this many elements are not bound (the run then refuses the
 * missing input with a diagnostic, which is fine). */
enum { MAX_INPUT_ELEMS = 1 << 14 };

/* xorshift64: small values and the edges (0, +-1, +-inf, nan) mixed. */
static double next_value(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	static const double edges[] = { 0.0, 1.0, -1.0, 65504.0, 1e30, -1e-30 };
	uint64_t r = *s % 64;
	if (r < sizeof edges / sizeof *edges)
		return edges[r];
	return (double)(int64_t)(*s % 2001) / 100.0 - 10.0;
}

static void bind_input(RtProgram *p, uint32_t i, uint64_t *seed, DiagList *dl)
{
	const Type *t = rt_input_type(p, i);
	if (!t || t->kind != TY_TENSOR || t->rank < 0 || t->rank > RT_MAX_RANK)
		return;
	int64_t dims[RT_MAX_RANK];
	int64_t n = 1;
	for (int32_t d = 0; d < t->rank; d++) {
		/* A flexible or unknown dim gets a small size. */
		dims[d] = t->dims[d].kind == DIM_CONST ? t->dims[d].size : 2;
		if (dims[d] < 0 || (dims[d] && n > MAX_INPUT_ELEMS / dims[d]))
			return;
		n *= dims[d];
	}
	RtTensor v = { 0 };
	if (rt_tensor_alloc(&v, t->dt, t->rank, dims) != 0)
		return;
	if (t->dt != DT_STRING)
		for (int64_t k = 0; k < v.numel; k++)
			rt_tensor_set(&v, k, next_value(seed));
	if (t->dt != DT_STRING) {
		if (rt_input_is_state(p, i))
			rt_set_state(p, rt_input_name(p, i), &v, dl);
		else
			rt_set_input(p, rt_input_name(p, i), &v, dl);
	}
	rt_tensor_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = fuzz_read_mil(data, size, &dl);
	if (m) {
		ir_resolve_ops(m);
		if (ir_verify(m, &dl) == 0 && m->funcs.n > 0) {
			RtOptions opts = { .threads = 1, .loop_cap = 1000, .max_memory = 64 << 20 };
			RtProgram *p = rt_program_new(m, NULL, m->funcs.v[0], &opts, &dl);
			if (p) {
				uint64_t seed = 0x9e3779b97f4a7c15u ^ size;
				for (uint32_t i = 0; i < rt_num_inputs(p); i++)
					bind_input(p, i, &seed, &dl);
				if (rt_run(p, &dl) == 0)
					for (uint32_t i = 0; i < rt_num_outputs(p); i++)
						rt_output(p, i);
				rt_program_free(p);
			}
		}
		ir_module_free(m);
	}
	diag_fini(&dl);
	return 0;
}
