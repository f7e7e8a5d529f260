/* infer_util.h - helpers for the infer and pass-manager tests: run the
 * pipeline over a small MIL text program and read inferred types back. */
#ifndef ANELINT_INFER_UTIL_H
#define ANELINT_INFER_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anelint.h"
#include "frontend/frontend.h"
#include "passes/pass.h"
#include "driver/pipeline.h"
#include "testutil.h"

typedef struct Run {
	DiagList dl;
	Module *m;
	PassCtx *ctx;
	char buf[512];
} Run;

/* A one-function program: func main<opset>(params) { body } -> (outs). */
static inline char *prog(const char *opset, const char *params, const char *body,
                         const char *outs)
{
	static const char fmt[] = "program(1.3)\n{\n    func main<%s>(%s) {\n%s        } -> (%s);\n}\n";
	int n = snprintf(NULL, 0, fmt, opset, params, body, outs);
	assert_true(n > 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	snprintf(s, (size_t)n + 1, fmt, opset, params, body, outs);
	return s;
}

/* Parse text into a fresh r (every error kept) and run no pass yet: for
 * tests that change the module first.  Fails the test when it does not
 * parse. */
static inline void run_parse(Run *r, const char *text)
{
	memset(r, 0, sizeof *r);
	diag_init(&r->dl);
	r->dl.max_errors = 0;
	r->m = tu_parse_mil("t.mil", text, strlen(text), &r->dl);
	if (!r->m) {
		diag_print_all(&r->dl, stderr);
		fail_msg("program does not parse:\n%s", text);
	}
}

/* Run the pipeline and the reruns it asks for over r's module (opts may
 * be NULL). */
static inline void run_passes(Run *r, const PassOptions *opts)
{
	r->ctx = pass_ctx_new(r->m, &r->dl, opts);
	driver_run_pipeline(r->ctx);
	if (getenv("TU_VERBOSE"))
		diag_print_all(&r->dl, stderr);
}

/* Load a model file or bundle (anelint_load) into a fresh r (every error
 * kept) and run the pipeline (opts may be NULL).  False, with nothing left
 * to release, when it does not load. */
static inline bool run_load(Run *r, const char *path, const PassOptions *opts)
{
	memset(r, 0, sizeof *r);
	diag_init(&r->dl);
	r->dl.max_errors = 0;
	r->m = anelint_load(path, &r->dl);
	if (!r->m) {
		diag_fini(&r->dl);
		return false;
	}
	run_passes(r, opts);
	return true;
}

/* Parse and run the pipeline (opts may be NULL). */
static inline void run_opts(Run *r, const char *text, const PassOptions *opts)
{
	run_parse(r, text);
	run_passes(r, opts);
}

static inline void run(Run *r, const char *text)
{
	run_opts(r, text, NULL);
}

/* Run a one-function program with pass options given as command-line flags
 * (a NULL-terminated list, each of which must parse; NULL: the defaults). */
static inline void run_prog_flags(Run *r, const char *opset, const char *params, const char *body,
                                  const char *outs, const char *const *flags)
{
	PassOptions o;
	pass_options_init(&o);
	for (; flags && *flags; flags++)
		assert_int_equal(pass_options_parse(&o, *flags, stderr), 1);
	char *t = prog(opset, params, body, outs);
	run_opts(r, t, &o);
	free(t);
}

/* Run a one-function program. */
static inline void run_prog(Run *r, const char *opset, const char *params, const char *body,
                            const char *outs)
{
	run_prog_flags(r, opset, params, body, outs, NULL);
}

static inline void done(Run *r)
{
	if (getenv("TU_VERBOSE"))
		diag_print_all(&r->dl, stderr);
	pass_ctx_free(r->ctx);
	ir_module_free(r->m);
	diag_fini(&r->dl);
}

static inline ValueId value_named(const Func *f, const char *name)
{
	for (uint32_t i = 0; i < f->values.n; i++)
		if (strcmp(ir_value(f, i)->name, name) == 0)
			return i;
	return VALUE_NONE;
}

/* The type computed for value `name` of the first function, as MIL text. */
static inline const char *ty(Run *r, const char *name)
{
	const Func *f = r->m->funcs.v[0];
	ValueId id = value_named(f, name);
	if (id == VALUE_NONE)
		fail_msg("no value '%s'", name);
	return tu_type_str(r->m, infer_value_computed(r->ctx, f, id), r->buf, sizeof r->buf);
}

/* Number of diagnostics with this code. */
static inline int ncode(const Run *r, const char *code)
{
	int n = 0;
	for (uint32_t i = 0; i < r->dl.d.n; i++)
		if (r->dl.d.v[i].code && strcmp(r->dl.d.v[i].code, code) == 0)
			n++;
	return n;
}

/* The first diagnostic with this code, formatted (or "" when none). */
static inline const char *diag_text(Run *r, const char *code)
{
	for (uint32_t i = 0; i < r->dl.d.n; i++)
		if (r->dl.d.v[i].code && strcmp(r->dl.d.v[i].code, code) == 0) {
			diag_format(&r->dl.d.v[i], r->buf, sizeof r->buf);
			return r->buf;
		}
	r->buf[0] = 0;
	return r->buf;
}

static inline int nerrors(const Run *r)
{
	return (int)r->dl.nerrors;
}

#define assert_type(r, name, want) assert_string_equal(ty((r), (name)), (want))

/* One statement of a function body, indented as the printer does. */
#define S(stmt) "            " stmt ";\n"

#endif
