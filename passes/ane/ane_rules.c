/* ane_rules.c - the one rule table: the rows of ane_rules_global.def,
 * ane_rules_ops.def and ane_rules_nn.def in that order (codes ascending
 * within each), with their predicates declared here and defined in the
 * matching ane_rules_*.c.  Rules are data: adding a rule is adding a row
 * (and, if it needs one, a predicate). */
#include "passes/ane/ane_int.h"

#define OPS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ANY NULL
#define GATE(...) { __VA_ARGS__ }
#define ALWAYS { 0 }
#define RULE(c, sp, k, ex, o, g, fn, sc, cf, rs, hn, src) \
	{ .code = #c, .spec = sp, .kind = k, .excludes = ex, .ops = o, .gate = g, .check = fn, \
	  .scope = sc, .conf = cf, .reason = rs, .hint = hn, .source = src },

const AneRule ane_rule_table[] = {
#include "passes/ane/ane_rules_global.def"
#include "passes/ane/ane_rules_ops.def"
#include "passes/ane/ane_rules_nn.def"
};
#undef RULE

const size_t ane_rule_table_n = sizeof ane_rule_table / sizeof *ane_rule_table;

/* For rows that fire whenever they apply, and rows that only the
 * placement and flex passes report. */
bool chk_always(const AneCheck *c, char *detail, size_t n)
{
	(void)c;
	if (n)
		detail[0] = 0;
	return true;
}

bool chk_never(const AneCheck *c, char *detail, size_t n)
{
	(void)c, (void)detail, (void)n;
	return false;
}
