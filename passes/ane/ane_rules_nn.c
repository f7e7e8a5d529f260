/* ane_rules_nn.c - predicates of the legacy neural-network rows
 * (ane_rules_nn.def): they fire only in functions read from a
 * neuralNetwork model. */
#include "passes/ane/ane_int.h"

#include <string.h>

bool n_nn_only(const AneCheck *c, char *detail, size_t n)
{
	return c->facts->nn && ac_fire(detail, n, "%s layer", c->op->kind);
}

bool n_dilated(const AneCheck *c, char *detail, size_t n)
{
	int64_t v;
	return c->facts->nn && ac_int_above(c, "dilations", 1, &v) &&
	       ac_fire(detail, n, "dilation %lld", (long long)v);
}

bool n_pool(const AneCheck *c, char *detail, size_t n)
{
	if (!c->facts->nn)
		return false;
	int64_t v;
	if (ac_int_above(c, "kernel_sizes", 13, &v))
		return ac_fire(detail, n, "kernel %lld > 13", (long long)v);
	if (ac_int_above(c, "strides", 2, &v))
		return ac_fire(detail, n, "stride %lld > 2", (long long)v);
	return false;
}

bool n_broadcast(const AneCheck *c, char *detail, size_t n)
{
	if (!c->facts->nn)
		return false;
	const Type *x = ac_type(c, "x"), *y = ac_type(c, "y");
	if (!x || !y || x->kind != TY_TENSOR || y->kind != TY_TENSOR || x == y)
		return false;
	/* a scalar or a one-element constant (the layer's alpha) is no broadcast */
	if (ac_numel(x) == 1 || ac_numel(y) == 1 || x->rank < 0 || y->rank < 0)
		return false;
	char a[128], b[128];
	snprintf(detail, n, "x %s, y %s", ac_shape_text(x, a, sizeof a), ac_shape_text(y, b, sizeof b));
	return true;
}

/* nn.* kinds other rows handle. */
static const char *const handled[] = {
	"nn.custom", "nn.branch", "nn.loop", "nn.gru", "nn.simpleRecurrent",
	"nn.uniDirectionalLSTM", "nn.biDirectionalLSTM", "nn.embedding", "nn.embeddingND",
};

bool n_opaque(const AneCheck *c, char *detail, size_t n)
{
	const char *k = c->op->kind;
	if (strncmp(k, "nn.", 3) != 0)
		return false;
	for (size_t i = 0; i < sizeof handled / sizeof *handled; i++)
		if (strcmp(k, handled[i]) == 0)
			return false;
	snprintf(detail, n, "layer '%s'", k + 3);
	return true;
}
