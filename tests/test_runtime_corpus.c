/* test_runtime_corpus.c - every converted model of ../shared/corpus runs on
 * the cpu device and matches its PyTorch reference within the tolerance of
 * MANIFEST.tsv (issue 10 item 6): fp32 references (outputs_fp32/) where
 * they exist, the stateful model across its two calls with its states
 * after each, the multifunction model per function, control flow and
 * flexible shapes on their extra cases.  Prints the correctness table. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "anelint.h"
#include "runtime/npy.h"
#include "runtime/runtime.h"
#include "testutil.h"

typedef struct Tol {
	double max_abs;
	double min_cos;         /* 0: not stated */
} Tol;

/* snprintf whose result is checked: a path that does not fit is empty. */
#define PATHF(buf, ...) do { \
	if (snprintf((buf), sizeof (buf), __VA_ARGS__) >= (int)sizeof (buf)) \
		(buf)[0] = 0; } while (0)

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The tolerance of model `name` from MANIFEST.tsv's suggested_tolerance
 * column: the first "max_abs_err <= X" and any "cosine >= Y". */
static Tol manifest_tol(const char *manifest, const char *name)
{
	Tol t = { 0, 0 };
	size_t n = strlen(name);
	for (const char *line = manifest; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, name, n) != 0 || line[n] != '\t')
			continue;
		const char *end = strchr(line, '\n');
		const char *m = strstr(line, "max_abs_err <= ");
		if (m && (!end || m < end))
			t.max_abs = strtod(m + 15, NULL);
		const char *c = strstr(line, "cosine >= ");
		if (c && (!end || c < end))
			t.min_cos = strtod(c + 10, NULL);
		break;
	}
	return t;
}

static int set_from_dir(RtProgram *p, const char *dir, bool states, DiagList *dl)
{
	for (uint32_t i = 0; i < rt_num_inputs(p); i++) {
		if (rt_input_is_state(p, i) != states)
			continue;
		char path[4096], err[512];
		PATHF(path, "%s/%s.npy", dir, rt_input_name(p, i));
		RtTensor t = { 0 };
		if (npy_read(path, &t, err, sizeof err) < 0) {
			print_message("%s\n", err);
			return -1;
		}
		int rc = states ? rt_set_state(p, rt_input_name(p, i), &t, dl)
		                : rt_set_input(p, rt_input_name(p, i), &t, dl);
		rt_tensor_free(&t);
		if (rc < 0) {
			diag_print_all(dl, stderr);
			return -1;
		}
	}
	return 0;
}

/* Compare got against the reference file; prints a table row.  Returns
 * 1 when within tolerance. */
static int compare(const char *model, const char *what, const char *name, const RtTensor *got,
                   const char *ref_path, Tol tol)
{
	RtTensor ref = { 0 };
	char err[512];
	if (npy_read(ref_path, &ref, err, sizeof err) < 0) {
		print_message("%s\n", err);
		return 0;
	}
	int ok = ref.numel == got->numel;
	double max_abs = 0, dot = 0, ng = 0, nr = 0;
	for (int64_t i = 0; ok && i < ref.numel; i++) {
		double a = rt_tensor_get(got, i), b = rt_tensor_get(&ref, i);
		double d = fabs(a - b);
		if (!(d <= max_abs))
			max_abs = d;        /* NaN propagates */
		dot += a * b;
		ng += a * a;
		nr += b * b;
	}
	double cos = ng > 0 && nr > 0 ? dot / sqrt(ng * nr) : (ng == nr ? 1 : 0);
	ok = ok && max_abs <= tol.max_abs && (tol.min_cos == 0 || cos >= tol.min_cos);
	print_message("| %-36s | %-22s | %-14s | %10.3g | %9.6f | %9.3g | %s\n", model, what, name,
	              max_abs, cos, tol.max_abs, ok ? "ok" : "MISMATCH");
	rt_tensor_free(&ref);
	return ok;
}

/* refs/<name>.npy, preferring the sibling fp32 folder (refs + "_fp32"). */
static void ref_path(char *buf, size_t n, const char *base, const char *sub, const char *name)
{
	snprintf(buf, n, "%s/%s_fp32/%s.npy", base, sub, name);
	struct stat sb;
	if (stat(buf, &sb) != 0)
		snprintf(buf, n, "%s/%s/%s.npy", base, sub, name);
}

typedef struct Model {
	const char *name;
	Module *m;
	PassCtx *ctx;
	DiagList dl;
	Tol tol;
} Model;

/* One call: inputs from base/inputs, outputs against base/outputs[_fp32],
 * states (when given) against base/states_after[_fp32]. */
static int check_call(Model *md, RtProgram *p, const char *base, const char *what, bool states)
{
	DiagList dl;
	diag_init(&dl);
	char dir[4096];
	PATHF(dir, "%s/inputs", base);
	int ok = set_from_dir(p, dir, false, &dl) == 0 && rt_run(p, &dl) == 0;
	if (!ok)
		diag_print_all(&dl, stderr);
	for (uint32_t i = 0; ok && i < rt_num_outputs(p); i++) {
		const RtTensor *t = rt_output(p, i);
		if (t->dt == DT_STRING)
			continue;   /* a class label: its probabilities are compared */
		char path[4096];
		ref_path(path, sizeof path, base, "outputs", rt_output_name(p, i));
		ok = compare(md->name, what, rt_output_name(p, i), t, path, md->tol) && ok;
	}
	for (uint32_t i = 0; ok && states && i < rt_num_inputs(p); i++) {
		if (!rt_input_is_state(p, i))
			continue;
		char path[4096];
		ref_path(path, sizeof path, base, "states_after", rt_input_name(p, i));
		ok = compare(md->name, what, rt_input_name(p, i), rt_state(p, i), path, md->tol) && ok;
	}
	diag_fini(&dl);
	return ok;
}

static RtProgram *prepare(Model *md, const char *func)
{
	Func *f = func ? ir_module_find_func(md->m, func) : md->m->funcs.v[0];
	if (!f && md->m->desc)
		f = ir_module_find_func(md->m, model_desc_func(md->m->desc, NULL)->name);
	if (!f) {
		print_message("%s: no function %s\n", md->name, func ? func : "(default)");
		return NULL;
	}
	DiagList dl;
	diag_init(&dl);
	RtProgram *p = rt_program_new(md->m, md->ctx, f, NULL, &dl);
	if (!p)
		diag_print_all(&dl, stderr);
	diag_fini(&dl);
	return p;
}

static int check_model(const char *dir, const char *name, const char *manifest)
{
	char path[4096];
	Model md = { .name = name, .tol = manifest_tol(manifest, name) };
	PATHF(path, "%s/%s.mlpackage", dir, name);
	diag_init(&md.dl);
	md.m = anelint_load(path, &md.dl);
	if (!md.m || md.tol.max_abs <= 0) {
		print_message("%s: %s\n", name, md.m ? "no tolerance in MANIFEST.tsv" : "does not load");
		diag_fini(&md.dl);
		if (md.m)
			ir_module_free(md.m);
		return 0;
	}
	PassOptions po;
	pass_options_init(&po);
	md.ctx = pass_ctx_new(md.m, &md.dl, &po);
	pass_run(md.ctx, PASS_PARTITION);
	int ok = 1;
	char calls[4096];
	PATHF(calls, "%s/calls", dir);
	PATHF(path, "%s/functions", dir);
	if (is_dir(path)) {                     /* multifunction: each function */
		struct dirent **fns;
		int n = scandir(path, &fns, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			if (fns[i]->d_name[0] != '.') {
				char base[4096];
				PATHF(base, "%s/%s", path, fns[i]->d_name);
				RtProgram *p = prepare(&md, fns[i]->d_name);
				ok = p && check_call(&md, p, base, fns[i]->d_name, false) && ok;
				rt_program_free(p);
			}
			free(fns[i]);
		}
		free(n >= 0 ? fns : NULL);
	} else if (is_dir(calls)) {
		RtProgram *p = prepare(&md, NULL);     /* states kept between the calls */
		for (int call = 1; p && ok; call++) {
			char base[4096], what[32];
			PATHF(base, "%s/calls/%d", dir, call);
			if (!is_dir(base))
				break;
			PATHF(what, "call %d", call);
			ok = check_call(&md, p, base, what, true) && ok;
		}
		ok = ok && p;
		rt_program_free(p);
	} else {
		RtProgram *p = prepare(&md, NULL);
		ok = p && check_call(&md, p, dir, "main", false);
		PATHF(path, "%s/extra_cases", dir);
		struct dirent **cases = NULL;
		int n = is_dir(path) ? scandir(path, &cases, NULL, alphasort) : 0;
		for (int i = 0; i < n; i++) {
			if (p && cases[i]->d_name[0] != '.') {
				char base[4096];
				PATHF(base, "%s/%s", path, cases[i]->d_name);
				ok = check_call(&md, p, base, cases[i]->d_name, false) && ok;
			}
			free(cases[i]);
		}
		free(cases);
		rt_program_free(p);
	}
	pass_ctx_free(md.ctx);
	ir_module_free(md.m);
	diag_fini(&md.dl);
	return ok;
}

static void test_runtime_corpus_matches_pytorch(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char root[4096], mpath[4096];
	PATHF(root, "%s/corpus/converted", tu_shared_dir());
	PATHF(mpath, "%s/MANIFEST.tsv", root);
	char *manifest = tu_read_file(mpath, NULL);
	assert_non_null(manifest);
	struct dirent **ents;
	int n = scandir(root, &ents, NULL, alphasort);
	assert_true(n > 0);
	int models = 0, failed = 0;
	print_message("| model                                | case                   | output         |    max abs |    cosine | tolerance |\n");
	for (int i = 0; i < n; i++) {
		char dir[4096];
		PATHF(dir, "%s/%s", root, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && is_dir(dir)) {
			models++;
			if (!check_model(dir, ents[i]->d_name, manifest)) {
				print_message("FAILED: %s\n", ents[i]->d_name);
				failed++;
			}
		}
		free(ents[i]);
	}
	free(ents);
	free(manifest);
	print_message("%d models, %d failed\n", models, failed);
	assert_true(models >= 25);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtime_corpus_matches_pytorch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
