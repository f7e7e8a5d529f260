/* bench_load.c - loading a Core ML model: anelint next to protobuf-c's own
 * unpack and next to Debian's python3-protobuf, time and peak RSS.
 *
 *   bench_load [-n REPS] [--corpus DIR] [--keep DIR]
 *
 * Models: every converted .mlpackage of the corpus, and two generated ML
 * programs of 5,000 ops (1,250 x const W, const b, linear, relu) whose
 * weight files are sparse (ftruncate + a valid storage header and one
 * valid 64-byte record per blob; the data are holes, so they cost no disk):
 * one with 1 GiB of fp16 weights, one with 64 MiB.  Their rows differ only
 * in the weight file's size: the load must not read weights, so time and
 * RSS must not follow it.
 *
 * Columns, each measured in a fresh process (peak RSS = the child's
 * ru_maxrss; time = the best of REPS runs inside it):
 *   load      anelint_load(package): Manifest.json, reading model.mlmodel,
 *             unpack, IR build, verify (weights untouched): what a user waits for
 *   read      fe_read_protobuf of model.mlmodel's bytes in memory: unpack
 *             (arena) + IR build, the frontend proper
 *   unpack    protobuf_c_message_unpack of the same model.mlmodel, bytes
 *             already in memory, default allocator (malloc), then freed
 *   arena     the same with an arena allocator (what anelint does inside)
 *   python    Model.ParseFromString in /usr/bin/python3 with classes that
 *             `protoc --python_out` generates at run time from the
 *             .proto files of frontend/proto (skipped, saying so, when protoc or
 *             python3-protobuf is absent)
 * Frees are outside the timed region everywhere.  Targets (issue "Read
 * every Core ML file"): reading (unpack + IR build) within 1.5x of the
 * arena unpack alone, at least 4x faster than Python's parse, RSS
 * independent of the weight file.  Prints a table; asserts nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anelint.h"
#include "common.h"
#include "frontend/frontend.h"

#include "Model.pb-c.h"

#define MILS(x) CoreML__Specification__MILSpec__##x
#define MILC(x) CORE_ML__SPECIFICATION__MILSPEC__##x
#define MILD(x) core_ml__specification__milspec__##x##__descriptor

/* snprintf that refuses to truncate (paths). */
static void pathf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void pathf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n) {
		fprintf(stderr, "bench_load: path too long\n");
		exit(1);
	}
}

/* ------------------------------------------------------------ measuring (children) */

static void *arena_pb_alloc(void *a, size_t n)
{
	return arena_alloc(a, n);
}

static void arena_pb_free(void *a, void *p)
{
	(void)a;
	(void)p;
}

static char *slurp(const char *path, size_t *n)
{
	DiagList dl;
	diag_init(&dl);
	char *d = fe_read_file(path, FE_MAX_FILE_BYTES, n, &dl);
	if (!d)
		diag_print_all(&dl, stderr);
	diag_fini(&dl);
	return d;
}

/* `bench_load --child MODE PATH REPS`: print the best time in seconds. */
static int child(const char *mode, const char *path, int reps)
{
	double best = -1;
	if (strcmp(mode, "idle") == 0) {
		printf("0\n");
		return 0;
	}
	if (strcmp(mode, "anelint") == 0 || strcmp(mode, "read") == 0) {
		bool from_bytes = mode[0] == 'r';
		char *dir = strdup(path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		for (int r = 0; r < reps; r++) {
			/* read: a fresh buffer each time, as a load reads one (untimed) */
			size_t n = 0;
			char *data = NULL;
			if (from_bytes && !(data = slurp(path, &n)))
				return 1;
			DiagList dl;
			diag_init(&dl);
			double t0 = bench_now();
			Module *m = from_bytes ? fe_read_protobuf(path, data, n, dir, "mlmodel", &dl)
			                       : anelint_load(path, &dl);
			double t = bench_now() - t0;
			if (!m) {
				diag_print_all(&dl, stderr);
				return 1;
			}
			ir_module_free(m);
			diag_fini(&dl);
			free(data);
			bench_keep_best(&best, t);
		}
		free(dir);
		printf("%.9f\n", best);
		return 0;
	}
	size_t n;
	char *data = slurp(path, &n);
	if (!data)
		return 1;
	bool use_arena = strcmp(mode, "arena") == 0;
	for (int r = 0; r < reps; r++) {
		Arena *a = use_arena ? arena_new() : NULL;
		ProtobufCAllocator alloc = { arena_pb_alloc, arena_pb_free, a };
		double t0 = bench_now();
		ProtobufCMessage *msg = protobuf_c_message_unpack(&core_ml__specification__model__descriptor,
		                                                  use_arena ? &alloc : NULL, n,
		                                                  (const uint8_t *)data);
		if (!msg) {
			fprintf(stderr, "bench_load: %s does not unpack\n", path);
			return 1;
		}
		double t = bench_now() - t0;
		if (use_arena)
			arena_free(a);
		else
			protobuf_c_message_free_unpacked(msg, NULL);
		bench_keep_best(&best, t);
	}
	free(data);
	printf("%.9f\n", best);
	return 0;
}

static char self_path[4096];

static BenchResult run_mode(const char *mode, const char *path, int reps)
{
	char r[16];
	snprintf(r, sizeof r, "%d", reps);
	char *argv[] = { self_path, "--child", (char *)mode, (char *)path, r, NULL };
	return bench_measure(argv);
}

/* ------------------------------------------------------------ the generated program */

typedef struct Gen {
	Arena *a;
	VEC(MILS(Operation) *) ops;
	uint64_t offset;        /* next blob record */
	int wfd;                /* weight.bin */
	unsigned nblobs;
} Gen;

static void *gnew(Gen *g, const void *init, size_t n)
{
	void *p = arena_alloc(g->a, n);
	memcpy(p, init, n);
	return p;
}
#define NEW(g, T, INIT) ((T *)gnew((g), &(T)INIT, sizeof(T)))

static MILS(ValueType) *vt_tensor(Gen *g, int dt, int rank, const uint64_t *dims)
{
	MILS(TensorType) *tt = NEW(g, MILS(TensorType), MILC(TENSOR_TYPE__INIT));
	tt->datatype = dt;
	tt->rank = rank;
	tt->n_dimensions = (size_t)rank;
	tt->dimensions = arena_array(g->a, rank ? (size_t)rank : 1, sizeof *tt->dimensions);
	for (int i = 0; i < rank; i++) {
		MILS(Dimension) *d = NEW(g, MILS(Dimension), MILC(DIMENSION__INIT));
		d->dimension_case = MILC(DIMENSION__DIMENSION_CONSTANT);
		d->constant = NEW(g, MILS(Dimension__ConstantDimension), MILC(DIMENSION__CONSTANT_DIMENSION__INIT));
		d->constant->size = dims[i];
		tt->dimensions[i] = d;
	}
	MILS(ValueType) *vt = NEW(g, MILS(ValueType), MILC(VALUE_TYPE__INIT));
	vt->type_case = MILC(VALUE_TYPE__TYPE_TENSOR_TYPE);
	vt->tensortype = tt;
	return vt;
}

static MILS(Value) *str_value(Gen *g, const char *s)
{
	MILS(TensorValue__RepeatedStrings) *rs =
		NEW(g, MILS(TensorValue__RepeatedStrings), MILC(TENSOR_VALUE__REPEATED_STRINGS__INIT));
	rs->n_values = 1;
	rs->values = arena_alloc(g->a, sizeof *rs->values);
	rs->values[0] = arena_strdup(g->a, s);
	MILS(TensorValue) *tv = NEW(g, MILS(TensorValue), MILC(TENSOR_VALUE__INIT));
	tv->value_case = MILC(TENSOR_VALUE__VALUE_STRINGS);
	tv->strings = rs;
	MILS(Value__ImmediateValue) *iv = NEW(g, MILS(Value__ImmediateValue), MILC(VALUE__IMMEDIATE_VALUE__INIT));
	iv->value_case = MILC(VALUE__IMMEDIATE_VALUE__VALUE_TENSOR);
	iv->tensor = tv;
	MILS(Value) *v = NEW(g, MILS(Value), MILC(VALUE__INIT));
	v->type = vt_tensor(g, MILC(DATA_TYPE__STRING), 0, NULL);
	v->value_case = MILC(VALUE__VALUE_IMMEDIATE_VALUE);
	v->immediatevalue = iv;
	return v;
}

static MILS(Operation) *new_op(Gen *g, const char *type, const char *name, MILS(ValueType) *out_type,
                                size_t nattrs)
{
	MILS(Operation) *op = NEW(g, MILS(Operation), MILC(OPERATION__INIT));
	op->type = (char *)type;
	op->n_outputs = 1;
	op->outputs = arena_alloc(g->a, sizeof *op->outputs);
	op->outputs[0] = NEW(g, MILS(NamedValueType), MILC(NAMED_VALUE_TYPE__INIT));
	op->outputs[0]->name = arena_strdup(g->a, name);
	op->outputs[0]->type = out_type;
	op->n_attributes = nattrs;
	op->attributes = arena_array(g->a, nattrs, sizeof *op->attributes);
	for (size_t i = 0; i < nattrs; i++)
		op->attributes[i] = NEW(g, MILS(Operation__AttributesEntry), MILC(OPERATION__ATTRIBUTES_ENTRY__INIT));
	op->attributes[0]->key = "name";
	op->attributes[0]->value = str_value(g, name);
	vec_push(g->a, &g->ops, op);
	return op;
}

/* A const whose value is a blob of `bytes` fp16 bytes: one record in the
 * weight file, the data left a hole. */
static const char *blob_const(Gen *g, const char *name, int rank, const uint64_t *dims, uint64_t bytes)
{
	MILS(Operation) *op = new_op(g, "const", name, vt_tensor(g, MILC(DATA_TYPE__FLOAT16), rank, dims), 2);
	MILS(Value) *v = NEW(g, MILS(Value), MILC(VALUE__INIT));
	v->type = vt_tensor(g, MILC(DATA_TYPE__FLOAT16), rank, dims);
	v->value_case = MILC(VALUE__VALUE_BLOB_FILE_VALUE);
	v->blobfilevalue = NEW(g, MILS(Value__BlobFileValue), MILC(VALUE__BLOB_FILE_VALUE__INIT));
	v->blobfilevalue->filename = "@model_path/weights/weight.bin";
	v->blobfilevalue->offset = g->offset;
	op->attributes[1]->key = "val";
	op->attributes[1]->value = v;
	uint8_t rec[64] = { 0 };
	uint32_t sentinel = 0xDEADBEEFu, dtype = 1;     /* BlobDataType Float16 */
	uint64_t data = g->offset + 64;
	memcpy(rec, &sentinel, 4);
	memcpy(rec + 4, &dtype, 4);
	memcpy(rec + 8, &bytes, 8);
	memcpy(rec + 16, &data, 8);
	if (pwrite(g->wfd, rec, sizeof rec, (off_t)g->offset) != (ssize_t)sizeof rec) {
		perror("bench_load: weight.bin");
		exit(1);
	}
	g->offset = (data + bytes + 63) / 64 * 64;
	g->nblobs++;
	return op->outputs[0]->name;
}

static void bind(Gen *g, MILS(Operation) *op, size_t i, const char *key, const char *value)
{
	MILS(Argument__Binding) *b = NEW(g, MILS(Argument__Binding), MILC(ARGUMENT__BINDING__INIT));
	b->binding_case = MILC(ARGUMENT__BINDING__BINDING_NAME);
	b->name = (char *)value;
	MILS(Argument) *a = NEW(g, MILS(Argument), MILC(ARGUMENT__INIT));
	a->n_arguments = 1;
	a->arguments = arena_alloc(g->a, sizeof *a->arguments);
	a->arguments[0] = b;
	op->inputs[i] = NEW(g, MILS(Operation__InputsEntry), MILC(OPERATION__INPUTS_ENTRY__INIT));
	op->inputs[i]->key = (char *)key;
	op->inputs[i]->value = a;
}

static void set_inputs(Gen *g, MILS(Operation) *op, size_t n)
{
	op->n_inputs = n;
	op->inputs = arena_array(g->a, n, sizeof *op->inputs);
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* dir/NAME.mlpackage with a 5,000-op program, weights of dim x dim fp16
 * per layer.  Returns the weight file's size. */
static uint64_t generate(const char *pkg, unsigned layers, uint64_t dim)
{
	char path[4096];
	pathf(path, sizeof path, "mkdir -p '%s/Data/com.apple.CoreML/weights'", pkg);
	if (system(path) != 0)
		exit(1);
	pathf(path, sizeof path, "%s/Manifest.json", pkg);
	static const char manifest[] =
		"{\n  \"fileFormatVersion\": \"1.0.0\",\n  \"itemInfoEntries\": {\n"
		"    \"A\": { \"author\": \"com.apple.CoreML\", \"description\": \"CoreML Model Weights\", "
		"\"name\": \"weights\", \"path\": \"com.apple.CoreML/weights\" },\n"
		"    \"B\": { \"author\": \"com.apple.CoreML\", \"description\": \"CoreML Model Specification\", "
		"\"name\": \"model.mlmodel\", \"path\": \"com.apple.CoreML/model.mlmodel\" }\n  },\n"
		"  \"rootModelIdentifier\": \"B\"\n}\n";
	if (write_file(path, manifest, sizeof manifest - 1) != 0)
		exit(1);

	Gen g = { .a = arena_new(), .offset = 64 };
	pathf(path, sizeof path, "%s/Data/com.apple.CoreML/weights/weight.bin", pkg);
	g.wfd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (g.wfd < 0) {
		perror(path);
		exit(1);
	}
	uint64_t act[2] = { 1, dim }, wdims[2] = { dim, dim }, bdims[1] = { dim };
	const char *x = "x";
	for (unsigned l = 0; l < layers; l++) {
		char n[64];
		snprintf(n, sizeof n, "w_%u", l);
		const char *w = blob_const(&g, n, 2, wdims, dim * dim * 2);
		snprintf(n, sizeof n, "b_%u", l);
		const char *b = blob_const(&g, n, 1, bdims, dim * 2);
		snprintf(n, sizeof n, "lin_%u", l);
		MILS(Operation) *lin = new_op(&g, "linear", n, vt_tensor(&g, MILC(DATA_TYPE__FLOAT16), 2, act), 1);
		set_inputs(&g, lin, 3);
		bind(&g, lin, 0, "x", x);
		bind(&g, lin, 1, "weight", w);
		bind(&g, lin, 2, "bias", b);
		snprintf(n, sizeof n, "relu_%u", l);
		MILS(Operation) *relu = new_op(&g, "relu", n, vt_tensor(&g, MILC(DATA_TYPE__FLOAT16), 2, act), 1);
		set_inputs(&g, relu, 1);
		bind(&g, relu, 0, "x", lin->outputs[0]->name);
		x = relu->outputs[0]->name;
	}
	/* storage header {count, version 2}; the file ends after the last blob */
	uint8_t hdr[64] = { 0 };
	uint32_t count = g.nblobs, version = 2;
	memcpy(hdr, &count, 4);
	memcpy(hdr + 4, &version, 4);
	if (pwrite(g.wfd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr || ftruncate(g.wfd, (off_t)g.offset) != 0) {
		perror("bench_load: weight.bin");
		exit(1);
	}
	close(g.wfd);

	MILS(Block) *blk = NEW(&g, MILS(Block), MILC(BLOCK__INIT));
	blk->n_operations = g.ops.n;
	blk->operations = g.ops.v;
	blk->n_outputs = 1;
	blk->outputs = arena_alloc(g.a, sizeof *blk->outputs);
	blk->outputs[0] = (char *)x;
	MILS(Function__BlockSpecializationsEntry) *spec =
		NEW(&g, MILS(Function__BlockSpecializationsEntry), MILC(FUNCTION__BLOCK_SPECIALIZATIONS_ENTRY__INIT));
	spec->key = "CoreML7";
	spec->value = blk;
	MILS(Function) *fn = NEW(&g, MILS(Function), MILC(FUNCTION__INIT));
	fn->opset = "CoreML7";
	fn->n_block_specializations = 1;
	fn->block_specializations = arena_alloc(g.a, sizeof *fn->block_specializations);
	fn->block_specializations[0] = spec;
	fn->n_inputs = 1;
	fn->inputs = arena_alloc(g.a, sizeof *fn->inputs);
	fn->inputs[0] = NEW(&g, MILS(NamedValueType), MILC(NAMED_VALUE_TYPE__INIT));
	fn->inputs[0]->name = "x";
	fn->inputs[0]->type = vt_tensor(&g, MILC(DATA_TYPE__FLOAT16), 2, act);
	MILS(Program__FunctionsEntry) *fe = NEW(&g, MILS(Program__FunctionsEntry), MILC(PROGRAM__FUNCTIONS_ENTRY__INIT));
	fe->key = "main";
	fe->value = fn;
	MILS(Program) *prog = NEW(&g, MILS(Program), MILC(PROGRAM__INIT));
	prog->version = 1;
	prog->n_functions = 1;
	prog->functions = arena_alloc(g.a, sizeof *prog->functions);
	prog->functions[0] = fe;
	CoreML__Specification__Model model = CORE_ML__SPECIFICATION__MODEL__INIT;
	model.specificationversion = 8;
	model.type_case = CORE_ML__SPECIFICATION__MODEL__TYPE_ML_PROGRAM;
	model.mlprogram = prog;
	size_t n = core_ml__specification__model__get_packed_size(&model);
	uint8_t *buf = malloc(n);
	core_ml__specification__model__pack(&model, buf);
	pathf(path, sizeof path, "%s/Data/com.apple.CoreML/model.mlmodel", pkg);
	if (write_file(path, buf, n) != 0)
		exit(1);
	free(buf);
	arena_free(g.a);
	return g.offset;
}

/* ------------------------------------------------------------ the table */

enum { ROUNDS = 3 };

/* The best time and the largest peak RSS seen; one failure spoils the cell. */
static void keep_best(BenchResult *best, bool *failed, BenchResult r)
{
	if (r.secs < 0)
		*failed = true;
	if (*failed) {
		*best = (BenchResult){ -1, 0 };
		return;
	}
	if (best->secs < 0 || r.secs < best->secs)
		best->secs = r.secs;
	if (r.rss_kb > best->rss_kb)
		best->rss_kb = r.rss_kb;
}

typedef struct Row {
	char name[64];
	char pkg[4096], mlmodel[4200];
	uint64_t model_bytes, weight_bytes;
	unsigned ops;
} Row;

static void count_ops(Row *r)
{
	Module *m = bench_load_model(r->pkg, NULL);
	r->ops = m ? bench_module_ops(m) : 0;
	ir_module_free(m);
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void print_secs(double s)
{
	if (s < 0)
		printf(" %9s", "-");
	else
		printf(" %7.2fms", s * 1e3);
}

static void print_ratio(double a, double b)
{
	if (a <= 0 || b <= 0)
		printf(" %6s", "-");
	else
		printf(" %5.2fx", a / b);
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], argv[3], atoi(argv[4]));
	int reps = 5;
	char corpus[2048];
	bench_corpus_dir(corpus, sizeof corpus, NULL);
	const char *keep = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
			pathf(corpus, sizeof corpus, "%s", argv[++i]);
		else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
			keep = argv[++i];
		else {
			fprintf(stderr, "usage: bench_load [-n REPS] [--corpus DIR] [--keep DIR]\n");
			return 2;
		}
	}
	if (reps < 1)
		reps = 1;
	ssize_t sl = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
	if (sl <= 0)
		return 1;
	self_path[sl] = 0;

	char tmp[] = "/tmp/anelint-bench-load-XXXXXX";
	const char *dir = keep;
	if (!dir) {
		if (!mkdtemp(tmp))
			return 1;
		dir = tmp;
	}
	char pydir[4096], script[4200];
	pathf(pydir, sizeof pydir, "%s/py", dir);
	mkdir(pydir, 0755);
	const char *py_skip = bench_python_setup(pydir, ANELINT_SOURCE_DIR, script, sizeof script);

	/* the models */
	size_t nrows, nmodels;
	BenchModel *models = bench_corpus_models(corpus, &nmodels);
	if (!nmodels)
		fprintf(stderr, "bench_load: no corpus models under %s (only the generated ones)\n", corpus);
	Row *rows = calloc(nmodels + 2, sizeof *rows);
	if (!rows)
		return 1;
	for (nrows = 0; nrows < nmodels; nrows++) {
		Row *r = &rows[nrows];
		snprintf(r->name, sizeof r->name, "%s", models[nrows].name);
		pathf(r->pkg, sizeof r->pkg, "%s", models[nrows].path);
		pathf(r->mlmodel, sizeof r->mlmodel, "%s/Data/com.apple.CoreML/model.mlmodel", r->pkg);
		char w[4200];
		pathf(w, sizeof w, "%s/Data/com.apple.CoreML/weights/weight.bin", r->pkg);
		r->weight_bytes = file_size(w);
	}
	free(models);
	static const struct { const char *name; uint64_t dim; } gen[] = {
		{ "gen 5000 ops, 1 GiB weights", 640 },
		{ "gen 5000 ops, 64 MiB weights", 160 },
	};
	for (size_t i = 0; i < 2; i++) {
		Row *r = &rows[nrows++];
		snprintf(r->name, sizeof r->name, "%s", gen[i].name);
		pathf(r->pkg, sizeof r->pkg, "%s/gen%zu.mlpackage", dir, i);
		pathf(r->mlmodel, sizeof r->mlmodel, "%s/Data/com.apple.CoreML/model.mlmodel", r->pkg);
		r->weight_bytes = generate(r->pkg, 1250, gen[i].dim);
	}

	BenchResult idle = run_mode("idle", "-", 1), py_idle = { -1, 0 };
	if (!py_skip) {
		char *argv_py[] = { BENCH_PYTHON, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import Model_pb2; print(0)",
		                    pydir, NULL };
		py_idle = bench_measure(argv_py);
	}
	printf("bench_load: best of %d runs per cell (%d rounds, columns interleaved), each column in its\n"
	       "own process; RSS is the peak (an idle bench process: %.1f MB; python3 with the generated\n"
	       "classes imported: %.1f MB)\n\n", ROUNDS * ((reps + ROUNDS - 1) / ROUNDS), ROUNDS,
	       idle.rss_kb / 1024.0, py_idle.rss_kb / 1024.0);
	printf("%-36s %5s %7s %8s | %9s %9s %9s %9s %9s | %6s %6s %6s | %7s %7s %7s %7s\n", "model",
	       "ops", "mlmodel", "weights", "load", "read", "unpack", "arena", "python", "rd/ar",
	       "ld/ar", "py/rd", "RSS ld", "unpack", "arena", "python");
	double worst_arena = 0, worst_py = 1e30;
	const char *worst_arena_name = "", *worst_py_name = "";
	for (size_t i = 0; i < nrows; i++) {
		Row *r = &rows[i];
		count_ops(r);
		r->model_bytes = file_size(r->mlmodel);
		/* ROUNDS rounds of every column, interleaved, so that a burst of
		 * other load on the machine hits one round of one column only */
		BenchResult an = { -1, 0 }, rd = { -1, 0 }, up = { -1, 0 }, ar = { -1, 0 }, py = { -1, 0 };
		bool fail[5] = { false };
		int per = (reps + ROUNDS - 1) / ROUNDS;
		for (int k = 0; k < ROUNDS; k++) {
			keep_best(&an, &fail[0], run_mode("anelint", r->pkg, per));
			keep_best(&rd, &fail[1], run_mode("read", r->mlmodel, per));
			keep_best(&up, &fail[2], run_mode("unpack", r->mlmodel, per));
			keep_best(&ar, &fail[3], run_mode("arena", r->mlmodel, per));
			if (!py_skip)
				keep_best(&py, &fail[4], bench_python_parse(pydir, script, r->mlmodel, per));
		}
		printf("%-36.36s %5u %6.2fM %7.1fM |", r->name, r->ops, r->model_bytes / 1048576.0,
		       r->weight_bytes / 1048576.0);
		print_secs(an.secs);
		print_secs(rd.secs);
		print_secs(up.secs);
		print_secs(ar.secs);
		print_secs(py.secs);
		printf(" |");
		print_ratio(rd.secs, ar.secs);
		print_ratio(an.secs, ar.secs);
		print_ratio(py.secs, rd.secs);
		printf(" | %6.1fM %6.1fM %6.1fM", an.rss_kb / 1024.0, up.rss_kb / 1024.0, ar.rss_kb / 1024.0);
		if (py.secs >= 0)
			printf(" %6.1fM", py.rss_kb / 1024.0);
		else
			printf(" %7s", "-");
		printf("\n");
		if (rd.secs > 0 && ar.secs > 0 && rd.secs / ar.secs > worst_arena) {
			worst_arena = rd.secs / ar.secs;
			worst_arena_name = r->name;
		}
		if (rd.secs > 0 && py.secs > 0 && py.secs / rd.secs < worst_py) {
			worst_py = py.secs / rd.secs;
			worst_py_name = r->name;
		}
	}
	printf("\nload = anelint_load(package): Manifest, file read, unpack, IR build, verify; weights untouched.\n"
	       "read = unpack + IR build of the bytes in memory; unpack, arena, python = decoding the same bytes.\n"
	       "rd/ar, ld/ar: read's and load's time over the arena unpack's; py/rd: Python's over read's.\n");
	printf("targets: read <= 1.5x arena unpack (worst: %.2fx, %s); python >= 4x slower than read ",
	       worst_arena, worst_arena_name);
	if (py_skip)
		printf("(Python column skipped: %s)\n", py_skip);
	else
		printf("(worst: %.2fx, %s)\n", worst_py, worst_py_name);
	printf("weights: the two generated rows differ only in the weight file (1 GiB vs 64 MiB): compare their\n"
	       "load time and RSS.\n");
	if (!keep) {
		char cmd[4200];
		pathf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_load: could not remove %s\n", dir);
	}
	free(rows);
	return 0;
}
