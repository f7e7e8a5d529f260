/*
 * pb_program.c - a serialized MILSpec.Program straight from the protobuf
 * wire format into IR: the one reader of ML programs, top-level ones and
 * those inside pipelines (pb_elide.c hands over their bytes).
 *
 * An ML program is nearly all of an .mlmodel's bytes: thousands of small
 * messages (ops, named value types, dimensions, immediate values).
 * protobuf-c's generic unpack would build a struct for each, descriptor-
 * driven, and the IR would then be built from those structs: twice the
 * work and twice the memory.  This file walks the bytes once and builds
 * the IR directly.
 *
 * Types and values: pb_value.c; the wire format: pb_wire.h.
 *
 * Facts: spec/protobuf.md (MILSpec).
 */
#include "frontend/pb_wire.h"

/* ------------------------------------------------------------ blocks and ops */

/* A name looked up without a copy when it is short. */
static ValueId lookup(Dec *d, const uint8_t *p, size_t n)
{
	char buf[256];
	if (n < sizeof buf) {
		memcpy(buf, p, n);
		buf[n] = 0;
		return nt_lookup(&d->r->syms, buf);
	}
	char *s = arena_strndup(d->r->a, (const char *)p, n);
	return nt_lookup(&d->r->syms, s);
}

/* NamedValueType {1: name, 2: type} */
static bool named_type(Dec *d, const uint8_t *p, size_t n, SrcLoc loc, const char **name,
                       const Type **t)
{
	const uint8_t *tp = NULL;
	size_t tn = 0;
	bool has_type = false;
	*name = "";
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num == 1 && pw_want_len(d, &f)) {
			*name = pw_str(d, &f);
		} else if (f.num == 2 && pw_want_len(d, &f)) {
			tp = f.p;
			tn = f.n;
			has_type = true;
		}
	}
	if (d->bad)
		return false;
	*t = pw_vtype(d, tp, tn, has_type, loc);
	return *t != NULL;
}

static ValueId add_param(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, uint32_t index,
                         SrcLoc loc)
{
	const char *name;
	const Type *t;
	if (!named_type(d, p, n, loc, &name, &t))
		return VALUE_NONE;
	ValueId id = ir_value_new(f, name, t, b, loc);
	ir_value(f, id)->def_index = index;
	nt_define(&d->r->syms, name, id);
	return id;
}

static int block(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body);
static int block_in(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body,
                    SrcLoc loc);

/* Operation {1: type, 2: inputs, 3: outputs, 4: blocks, 5: attributes}:
 * one pass notes the fields, then they are read in the order the IR needs
 * (inputs, blocks, attributes, outputs). */
static Op *op(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n)
{
	Rd *r = d->r;
	SrcLoc loc = { .file = r->file, .func = f->name, .col = f->nops };
	Field local[48], *fs = local, fl;
	size_t nfs = 0, cap = sizeof local / sizeof local[0];
	const uint8_t *kind_p = (const uint8_t *)"";
	size_t kind_n = 0;
	uint32_t nin = 0, nout = 0, nattr = 0;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num < 1 || fl.num > 5 || !pw_want_len(d, &fl))
			continue;
		if (fl.num == 1) {
			kind_p = fl.p;
			kind_n = fl.n;
			continue;
		}
		nin += fl.num == 2;
		nout += fl.num == 3;
		nattr += fl.num == 5;
		if (nfs == cap) {
			Field *nf = arena_array(r->a, cap * 2, sizeof *nf);
			memcpy(nf, fs, nfs * sizeof *nf);
			fs = nf;
			cap *= 2;
		}
		fs[nfs++] = fl;
	}
	if (d->bad)
		return NULL;
	/* the kind as a C string (it may hold a NUL: then it ends there) */
	const char *kind = fe_intern(r->m, (const char *)kind_p, strnlen((const char *)kind_p, kind_n));
	OpBuild ob;
	ob_start(&ob, f, b, kind, loc);
	ob_reserve(&ob, nin, nout);
	for (size_t i = 0; i < nfs; i++) {
		if (fs[i].num != 2)
			continue;
		MapEntry me;
		if (!pw_map_entry(d, &fs[i], &me))
			return NULL;
		const char *key = (const char *)me.key;
		const char *argname = fe_intern(r->m, key, strnlen(key, me.nkey));
		uint32_t nb = me.has ? (uint32_t)pw_count_fields(d, me.val, me.nval, 1) : 0;
		Binding *bs = arena_array(r->a, nb ? nb : 1, sizeof *bs);
		uint32_t j = 0;
		Field g;
		if (me.has)
			FOR_FIELDS(d, me.val, me.nval, g) {
				if (g.num != 1 || !pw_want_len(d, &g))
					continue;
				Binding *bd = &bs[j++];
				bd->value = VALUE_NONE;
				uint32_t which;
				Sub bind;
				if (!pw_oneof_msg(d, g.p, g.n, 2, &which, &bind))
					return NULL;
				const uint8_t *bp = bind.p;
				size_t bn = bind.n;
				if (which == 1) {
					bd->kind = BIND_VALUE;
					bd->value = lookup(d, bp, bn);
					if (bd->value == VALUE_NONE)
						RD_ERR(r, FE_E_NAME, loc, "op '%s' argument '%s' names '%.*s', which "
						       "is not defined before it", kind, argname, (int)bn,
						       (const char *)bp);
				} else if (which == 2) {
					bd->kind = BIND_LIT;
					bd->lit = pw_value(d, bp, bn, loc);
					if (!bd->lit)
						return NULL;
				} else {
					RD_ERR(r, FE_E_NAME, loc, "op '%s' argument '%s' has an empty binding",
					       kind, argname);
					return NULL;
				}
			}
		if (d->bad)
			return NULL;
		Operand o = { argname, nb != 1, nb, bs };
		vec_push(r->a, &ob.args, o);
	}
	/* nested blocks, attributes, then the outputs come into scope */
	for (size_t i = 0; i < nfs; i++) {
		if (fs[i].num != 4)
			continue;
		Block *nb = ir_block_new(f, ob.op, loc);
		if (block(d, f, nb, fs[i].p, fs[i].n, false))
			return NULL;
		ob_block(&ob, nb);
	}
	/* The op's name: the first `name` attribute, read directly when it is
	 * spelled the usual way (then it is also the first string-valued one,
	 * the one ir_op_set_attrs would take). */
	Attr *at = NULL;
	uint32_t k = 0, name_at = 0;
	const char *name = NULL;
	bool seen_name = false;
	if (nattr) {
		at = arena_array(r->a, nattr, sizeof *at);
		for (size_t i = 0; i < nfs; i++) {
			if (fs[i].num != 5)
				continue;
			MapEntry me;
			if (!seen_name && pw_map_entry(d, &fs[i], &me) && me.has &&
			    me.nkey == 4 && memcmp(me.key, "name", 4) == 0) {
				seen_name = true;
				if ((name = pw_name_value(d, me.val, me.nval))) {
					name_at = k;
					continue;
				}
			}
			if (pw_attr(d, &fs[i], loc, &at[k]))
				k++;
		}
		if (d->bad)
			return NULL;
	}
	for (size_t i = 0; i < nfs; i++) {
		if (fs[i].num != 3)
			continue;
		const char *vname;
		const Type *t;
		if (!named_type(d, fs[i].p, fs[i].n, loc, &vname, &t))
			return NULL;
		ValueId id = ob_out_kept(&ob, vname, t);     /* vname is an arena copy */
		nt_define(&r->syms, vname, id);
	}
	Op *o = ob_finish(&ob);
	if (name) {
		o->attrs = at;
		o->nattrs = k;
		o->name = name;
		o->name_at = name_at;
	} else {
		ir_op_set_attrs(o, k, at);
	}
	return o;
}

/* The inputs of a Block or a Function (field 1 of both): each one a
 * parameter of b, in order. */
static int define_params(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, SrcLoc loc)
{
	uint32_t np = (uint32_t)pw_count_fields(d, p, n, 1);
	b->nparams = np;
	b->params = arena_array(d->r->a, np ? np : 1, sizeof *b->params);
	uint32_t i = 0;
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num != 1 || !pw_want_len(d, &fl))
			continue;
		if ((b->params[i] = add_param(d, f, b, fl.p, fl.n, i, loc)) == VALUE_NONE)
			return -1;
		i++;
	}
	return 0;
}

static int resolve_outs(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, SrcLoc loc)
{
	Rd *r = d->r;
	uint32_t count = (uint32_t)pw_count_fields(d, p, n, 2);
	b->nouts = count;
	b->outs = arena_array(r->a, count ? count : 1, sizeof *b->outs);
	b->out_locs = arena_array(r->a, count ? count : 1, sizeof *b->out_locs);
	uint32_t i = 0;
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num != 2 || !pw_want_len(d, &fl))
			continue;
		b->out_locs[i] = loc;
		b->outs[i] = lookup(d, fl.p, fl.n);
		if (b->outs[i] == VALUE_NONE) {
			RD_ERR(r, FE_E_NAME, loc, "block output '%.*s' is not defined in %s", (int)fl.n,
			       (const char *)fl.p, f->name);
			return -1;
		}
		i++;
	}
	return d->bad ? -1 : 0;
}

/* Block {1: inputs, 2: outputs, 3: operations, 4: attributes}.  A
 * function body's parameters are the function's inputs, already there. */
static int block(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body)
{
	Rd *r = d->r;
	SrcLoc loc = pbr_floc(r);
	if (pw_too_deep(d, loc))
		return -1;
	d->depth++;
	int rc = block_in(d, f, b, p, n, is_body, loc);
	d->depth--;
	return rc;
}

static int block_in(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body,
                    SrcLoc loc)
{
	Rd *r = d->r;
	uint32_t mark = is_body ? 0 : nt_mark(&r->syms);
	if (!is_body && define_params(d, f, b, p, n, loc) < 0)
		return -1;
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num == 3 && pw_want_len(d, &fl) && !op(d, f, b, fl.p, fl.n))
			return -1;
	}
	if (d->bad)
		return -1;
	int rc = resolve_outs(d, f, b, p, n, loc);
	if (!is_body)
		nt_pop(&r->syms, mark);
	return rc;
}

/* Function {1: inputs, 2: opset, 3: block_specializations, 4: attributes} */
static int function(Dec *d, const char *name, const uint8_t *p, size_t n)
{
	Rd *r = d->r;
	SrcLoc loc = pbr_floc(r);
	const char *opset = "";
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num == 2 && pw_want_len(d, &fl))
			opset = pw_str(d, &fl);
	}
	const uint8_t *bp = NULL;
	size_t bn = 0;
	bool found = false;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num != 3 || !pw_want_len(d, &fl))
			continue;
		MapEntry me;
		if (!pw_map_entry(d, &fl, &me))
			return -1;
		if (me.nkey == strlen(opset) && memcmp(me.key, opset, me.nkey) == 0) {
			found = me.has;
			bp = me.val;
			bn = me.nval;
		}
	}
	if (d->bad)
		return -1;
	if (!found) {
		RD_ERR(r, FE_E_PROGRAM, loc, "function '%s' has no block for its opset '%s'", name, opset);
		return -1;
	}
	Func *f = ir_func_new(r->m, name, opset, loc);
	pw_attrs(d, p, n, 4, loc, &f->nattrs, &f->attrs);
	uint32_t mark = nt_mark(&r->syms);
	Block *b = f->body;
	if (define_params(d, f, b, p, n, loc) < 0 || d->bad)
		return -1;
	if (pw_count_fields(d, bp, bn, 1)) {
		RD_ERR(r, FE_E_PROGRAM, loc, "the body block of '%s' declares its own inputs", name);
		return -1;
	}
	int rc = block(d, f, b, bp, bn, true);
	nt_pop(&r->syms, mark);
	return rc;
}

int pbw_program_function_names(Arena *a, const uint8_t *p, size_t n, uint32_t *count,
                               const char ***names)
{
	Rd r = { .a = a };
	Dec d = { .r = &r, .quiet = true };
	uint32_t k = (uint32_t)pw_count_fields(&d, p, n, 2);
	const char **v = arena_array(a, k ? k : 1, sizeof *v);
	uint32_t i = 0;
	Field fl;
	FOR_FIELDS(&d, p, n, fl) {
		if (fl.num != 2 || fl.wt != 2)
			continue;
		MapEntry me;
		if (!pw_map_entry(&d, &fl, &me))
			break;
		v[i++] = arena_strndup(a, (const char *)me.key, me.nkey);
	}
	*count = i;
	*names = v;
	return d.bad ? -1 : 0;
}

static int read_program(Dec *dp, const uint8_t *p, size_t n, const char *prefix);

int pbw_read_program(Rd *r, const uint8_t *p, size_t n, const char *prefix)
{
	Dec d = { .r = r };
	hmap_init(&d.memo, NULL);
	int rc = read_program(&d, p, n, prefix);
	hmap_fini(&d.memo);
	return rc;
}

static int read_program(Dec *dp, const uint8_t *p, size_t n, const char *prefix)
{
	Rd *r = dp->r;
	SrcLoc loc = pbr_floc(r);
	/* coremltools writes about 120 bytes per op, one name each: size the
	 * name table once instead of doubling it a dozen times */
	nt_reserve(&r->syms, n / 128 > (1u << 19) ? (1u << 19) : (uint32_t)(n / 128));
	if (!prefix)
		pw_attrs(dp, p, n, 4, loc, &r->m->nattrs, &r->m->attrs);
	uint32_t nf = (uint32_t)pw_count_fields(dp, p, n, 2);
	if (dp->bad)
		return -1;
	if (!nf) {
		RD_ERR(r, FE_E_PROGRAM, loc, "ML program has no functions");
		return -1;
	}
	Field fl;
	FOR_FIELDS(dp, p, n, fl) {
		if (fl.num != 2 || !pw_want_len(dp, &fl))
			continue;
		MapEntry me;
		if (!pw_map_entry(dp, &fl, &me))
			return -1;
		const char *key = arena_strndup(r->a, (const char *)me.key, me.nkey);
		const char *name = !prefix ? key
		                   : nf == 1 ? prefix
		                   : arena_printf(r->a, "%s_%s", prefix, key);
		if (!me.has) {
			RD_ERR(r, FE_E_PROGRAM, loc, "function '%s' is empty", key);
			return -1;
		}
		if (function(dp, pbr_func_name(r, name), me.val, me.nval))
			return -1;
	}
	return dp->bad ? -1 : 0;
}
