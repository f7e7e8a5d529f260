/*
 * pb_func.c - what every protobuf reader (ML programs, neural networks,
 * other model kinds) does to open a function: a name not taken yet in the
 * module, value names the printed IR can parse back, the opset of a
 * function that is not an ML program, and parameters from the model
 * description's inputs.
 *
 * Facts: spec/protobuf.md.
 */
#include "frontend/pb_int.h"

#include <string.h>

const char *pbr_dup(Rd *r, const char *s)
{
	return arena_strdup(r->a, s ? s : "");
}

static bool name_taken(Rd *r, const char *n)
{
	for (uint32_t i = 0; i < r->fnames.n; i++)
		if (strcmp(r->fnames.v[i], n) == 0)
			return true;
	return false;
}

/* A function name not used yet in this module. */
const char *pbr_func_name(Rd *r, const char *want)
{
	const char *n = want && *want ? pbr_dup(r, want) : "main";
	for (uint32_t k = 1; name_taken(r, n); k++)
		n = arena_printf(r->a, "%s_%u", want && *want ? want : "main", k);
	vec_push(r->a, &r->fnames, n);
	return n;
}

/* A value name for a neural-network blob or a feature: the name itself
 * when it is a MIL identifier, else with every other character turned
 * into '_' (and a leading '_' before a digit), so the printed IR parses
 * back.  Lookups keep using the original names. */
const char *pbr_vname(Rd *r, const char *orig)
{
	if (is_identifier(orig))
		return orig;
	size_t n = strlen(orig);
	char *s = arena_alloc(r->a, n + 2), *p = s;
	if (!n || (orig[0] >= '0' && orig[0] <= '9') || orig[0] == '@')
		*p++ = '_';
	for (size_t i = 0; i < n; i++) {
		char c = orig[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '@';
		*p++ = ok ? c : '_';
	}
	*p = 0;
	return s;
}

/* The opset a non-program function is written in: the MIL opset of the
 * model's specification version (protobuf.md §5), iOS15 at the least,
 * since the ops these functions hold map to iOS15 MIL ops. */
const char *pbr_spec_opset(const ModelDesc *d)
{
	switch (d ? d->spec_version : 0) {
	case 7: return "ios16";
	case 8: return "ios17";
	case 9: return "ios18";
	case 10: return "ios26";
	default: return "ios15";
	}
}

/* Function parameters from a description's inputs; defines their names. */
void pbr_desc_params(Rd *r, Func *f, const FuncDesc *fd)
{
	Block *b = f->body;
	uint32_t n = fd ? fd->ninputs + fd->nstates : 0;
	b->nparams = n;
	b->params = arena_array(r->a, n ? n : 1, sizeof *b->params);
	for (uint32_t i = 0; i < n; i++) {
		const FeatureDesc *in = i < fd->ninputs ? &fd->inputs[i] : &fd->states[i - fd->ninputs];
		ValueId id = ir_value_new(f, pbr_vname(r, in->name), feature_ir_type(r->m, in), b, f->loc);
		ir_value(f, id)->def_index = i;
		b->params[i] = id;
		nt_define(&r->syms, in->name, id);
	}
}
