/* test_mutations.c - hostile variants of real models: deterministic byte
 * flips, cuts, splices and injected tokens over every MIL text file of the
 * corpus, the golden fixtures and the examples, each through the whole pipeline and the
 * JSON report.  Under ASan + UBSan any out-of-bounds read, leak or undefined
 * behaviour fails the test; every variant must either be refused with at
 * least one error diagnostic or analyse.  Half the variants only change
 * digits, so that most of them still parse and reach the passes. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/report.h"
#include "frontend/frontend.h"
#include "passes/pass.h"

enum { VARIANTS_PER_FILE = 40 };

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so every run checks the same variants */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const char *const tokens[] = {
	"0", "-1", "?", "is0", "99999999999999999999", "fp16", "int32", "[", "]", "(", ")",
	"tensor<fp16, [1]>", "conv", "cond", "while_loop", "{", "}", ",", "1e999", "0x1p+200",
	"\"", "\\", "//", "BLOBFILE", "<ios17>", ";", "= ", "-inf", "nan", "tensor<fp16, *>",
};

/* A variant that still parses more often than not: some digits of the
 * text replaced (shapes, axes, literal values), so the passes see odd but
 * well-formed programs. */
static char *mutate_digits(const char *text, size_t len, size_t *out_len)
{
	char *b = malloc(len + 1);
	assert_non_null(b);
	memcpy(b, text, len);
	for (int e = 0, edits = 1 + (int)(rng() % 3); e < edits; e++) {
		for (int tries = 0; tries < 64; tries++) {
			size_t at = rng() % (len ? len : 1);
			if (len && b[at] >= '0' && b[at] <= '9') {
				b[at] = (char)('0' + rng() % 10);
				break;
			}
		}
	}
	*out_len = len;
	return b;
}

/* One variant of text (len bytes) in a fresh malloc'd buffer. */
static char *mutate(const char *text, size_t len, size_t *out_len)
{
	size_t cap = len + 4096, n = len;
	char *b = malloc(cap);
	assert_non_null(b);
	memcpy(b, text, len);
	int edits = 1 + (int)(rng() % 4);
	for (int e = 0; e < edits && n > 0; e++) {
		size_t at = rng() % n;
		switch (rng() % 4) {
		case 0:                                 /* flip a byte */
			b[at] = (char)(rng() & 0xff);
			break;
		case 1: {                               /* cut a run */
			size_t k = 1 + rng() % 32;
			if (k > n - at)
				k = n - at;
			memmove(b + at, b + at + k, n - at - k);
			n -= k;
			break;
		}
		case 2: {                               /* inject a token */
			const char *t = tokens[rng() % (sizeof tokens / sizeof *tokens)];
			size_t k = strlen(t);
			if (n + k >= cap)
				break;
			memmove(b + at + k, b + at, n - at);
			memcpy(b + at, t, k);
			n += k;
			break;
		}
		default: {                              /* splice a copy of another run */
			size_t from = rng() % n, k = 1 + rng() % 64;
			if (k > n - from)
				k = n - from;
			if (n + k >= cap)
				break;
			char tmp[64];
			memcpy(tmp, b + from, k);
			memmove(b + at + k, b + at, n - at);
			memcpy(b + at, tmp, k);
			n += k;
			break;
		}
		}
	}
	*out_len = n;
	return b;
}

/* Parse, run every pass and write the JSON report to memory. */
static void check_variant(const char *name, const char *text, size_t n, int *refused, int *analysed)
{
	DiagList dl;
	diag_init(&dl);
	dl.max_errors = 0;
	Module *m = tu_parse_mil(name, text, n, &dl);
	if (m && ir_verify(m, &dl) > 0) {
		ir_module_free(m);
		m = NULL;
	}
	if (!m) {
		if (dl.nerrors == 0)
			fail_msg("%s: refused without an error diagnostic", name);
		(*refused)++;
		diag_fini(&dl);
		return;
	}
	PassOptions po;
	pass_options_init(&po);
	PassCtx *ctx = pass_ctx_new(m, &dl, &po);
	pass_run_pipeline(ctx);
	if (!ctx->errors[PASS_VERIFY]) {
		ReportInput in;
		report_input_init(&in, m, ctx, name, "mil", "test");
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		assert_non_null(f);
		report_json(&in, f);
		fclose(f);
		free(buf);
	}
	(*analysed)++;
	pass_ctx_free(ctx);
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_mutations_of_real_models(void **state)
{
	TU_REQUIRE_SHARED();
	size_t nc, ng;
	char **corpus = tu_corpus_find("", ".mil", &nc);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/golden", tu_source_dir());
	char **golden = tu_find(dir, ".mil", &ng);
	size_t ne;
	snprintf(dir, sizeof dir, "%s/examples", tu_source_dir());
	char **examples = tu_find(dir, ".mil", &ne);
	int refused = 0, analysed = 0, files = 0;
	for (size_t k = 0; k < nc + ng + ne; k++) {
		const char *path = k < nc ? corpus[k] : k < nc + ng ? golden[k - nc] : examples[k - nc - ng];
		size_t len;
		char *text = tu_read_file(path, &len);
		assert_non_null(text);
		files++;
		for (int v = 0; v < VARIANTS_PER_FILE; v++) {
			size_t n;
			char *var = v % 2 ? mutate(text, len, &n) : mutate_digits(text, len, &n);
			check_variant(path, var, n, &refused, &analysed);
			free(var);
		}
		free(text);
	}
	print_message("mutations: %d files x %d variants: %d refused with errors, %d analysed\n",
	              files, VARIANTS_PER_FILE, refused, analysed);
	assert_true(refused > 0 && analysed > 0);
	tu_free_list(corpus, nc);
	tu_free_list(golden, ng);
	tu_free_list(examples, ne);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutations_of_real_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
