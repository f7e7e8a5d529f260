#!/usr/bin/env python3
"""Generate ir/op_table.def, the op catalogue's data table, from ops.tsv.

    scripts/gen_op_table.py [--tsv PATH] [--extra PATH] [-o ir/op_table.def]
    scripts/gen_op_table.py --check        # exit 1 if the committed file is stale
    scripts/gen_op_table.py --markdown     # the per-op index for docs/op-catalogue.md

ops.tsv (../shared/spec/ops.tsv) gives the operands of every op version;
this file adds what the TSV does not hold: each op's typing rule, its
outputs, nested blocks and flags (from ops.md), and a short list of
documented fixes where ops.md's prose contradicts the TSV.  The build
never runs this script: the generated .def is committed.
"""
import argparse
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_TSV = os.path.join(ROOT, '..', 'shared', 'spec', 'ops.tsv')
DEFAULT_OUT = os.path.join(ROOT, 'ir', 'op_table.def')
# Rows for ops or versions the shared spec does not list yet: same columns.
DEFAULT_EXTRA = os.path.join(HERE, 'ops_extra.tsv')

OPSETS = ['iOS15', 'iOS16', 'iOS17', 'iOS18']

# ---------------------------------------------------------------- rules
# op -> rule, or {version: rule} where the shape rule changed (ops.md).
RULES = {}


def rule(name, *ops):
    for op in ops:
        assert op not in RULES, op
        RULES[op] = name


rule('ELEMENTWISE_UNARY',
     'abs', 'acos', 'asin', 'atan', 'atanh', 'ceil', 'clip', 'cos', 'cosh', 'erf',
     'exp', 'exp2', 'floor', 'inverse', 'log', 'logical_not', 'round', 'rsqrt',
     'sign', 'sin', 'sinh', 'sqrt', 'square', 'tan', 'tanh', 'threshold', 'cast',
     'clamped_relu', 'elu', 'gelu', 'leaky_relu', 'linear_activation', 'relu',
     'relu6', 'scaled_tanh', 'sigmoid', 'sigmoid_hard', 'silu', 'softplus',
     'softsign', 'thresholded_relu', 'constexpr_cast', 'band_part', 'l2_norm',
     'local_response_norm')
rule('SAME_SHAPE_AXIS', 'softmax', 'cumsum', 'argsort', 'reverse')
rule('PER_CHANNEL', 'prelu', 'softplus_parametric', 'batch_norm', 'instance_norm')
rule('LAYER_NORM', 'layer_norm')
rule('REVERSE_SEQUENCE', 'reverse_sequence')
rule('BROADCAST_BINARY', 'add', 'sub', 'mul', 'real_div', 'floor_div', 'mod', 'pow',
     'maximum', 'minimum')
rule('COMPARE', 'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal',
     'logical_and', 'logical_or', 'logical_xor')
rule('SELECT', 'select')
rule('CONV', 'conv', 'conv_quantized')
rule('CONV_TRANSPOSE', 'conv_transpose')
rule('POOL', 'avg_pool', 'l2_pool', 'max_pool')
rule('LINEAR', 'linear')
rule('MATMUL', 'matmul')
rule('EINSUM', 'einsum')
rule('REDUCE', 'reduce_sum', 'reduce_prod', 'reduce_mean', 'reduce_max', 'reduce_min',
     'reduce_l1_norm', 'reduce_l2_norm', 'reduce_sum_square', 'reduce_log_sum',
     'reduce_log_sum_exp')
rule('REDUCE_ARG', 'reduce_argmax', 'reduce_argmin')
rule('SHAPE_OPERAND', 'fill', 'random_bernoulli', 'random_normal', 'random_uniform')
rule('FILL_LIKE', 'fill_like')
rule('RANDOM_CATEGORICAL', 'random_categorical')
RULES['non_maximum_suppression'] = {'iOS15': 'NMS_V15', 'iOS17': 'NMS_V17'}
rule('NON_ZERO', 'non_zero')
rule('ONE_HOT', 'one_hot')
rule('PAD', 'pad')
rule('RANGE_1D', 'range_1d')
rule('TILE', 'tile')
rule('TOPK', 'topk')
rule('FLATTEN2D', 'flatten2d')
rule('SHAPE', 'shape')
rule('CONCAT', 'concat')
rule('SPLIT', 'split')
rule('STACK', 'stack')
rule('IDENTITY', 'identity')
rule('DEPTH_TO_SPACE', 'depth_to_space', 'pixel_shuffle')
rule('SPACE_TO_DEPTH', 'space_to_depth', 'pixel_unshuffle')
rule('SPACE_TO_BATCH', 'space_to_batch')
rule('BATCH_TO_SPACE', 'batch_to_space')
rule('EXPAND_DIMS', 'expand_dims')
rule('SQUEEZE', 'squeeze')
RULES['reshape'] = {'iOS15': 'RESHAPE_V15', 'iOS17': 'RESHAPE_V17'}
rule('RESHAPE_LIKE', 'reshape_like')
rule('SLICE_BY_INDEX', 'slice_by_index')
rule('SLICE_BY_SIZE', 'slice_by_size')
rule('SLICE_UPDATE', 'slice_update')
rule('TRANSPOSE', 'transpose')
rule('SLIDING_WINDOWS', 'sliding_windows')
rule('GATHER', 'gather')
rule('GATHER_ALONG_AXIS', 'gather_along_axis')
rule('GATHER_ND', 'gather_nd')
rule('SCATTER', 'scatter')
rule('SCATTER_ALONG_AXIS', 'scatter_along_axis')
rule('SCATTER_ND', 'scatter_nd')
rule('COND', 'cond')
rule('WHILE_LOOP', 'while_loop')
rule('CONST', 'const')
rule('MAKE_LIST', 'make_list')
rule('LIST_LENGTH', 'list_length')
rule('LIST_WRITE', 'list_write')
rule('LIST_READ', 'list_read')
rule('LIST_GATHER', 'list_gather')
rule('LIST_SCATTER', 'list_scatter')
rule('RNN', 'rnn')
rule('GRU', 'gru')
rule('LSTM', 'lstm')
rule('UPSAMPLE', 'upsample_nearest_neighbor', 'upsample_bilinear')
rule('RESIZE_TO_TARGET', 'resize_nearest_neighbor', 'resize_bilinear')
rule('RESIZE', 'resize')
RULES['crop_resize'] = {'iOS15': 'CROP_RESIZE_V15', 'iOS17': 'CROP_RESIZE_V17'}
rule('CROP', 'crop')
rule('AFFINE', 'affine')
rule('RESAMPLE', 'resample')
rule('CLASSIFY', 'classify')
rule('QUANTIZE', 'quantize', 'dequantize')
rule('CONSTEXPR_AFFINE_DEQUANTIZE', 'constexpr_affine_dequantize')
RULES['constexpr_lut_to_dense'] = {'iOS16': 'CONSTEXPR_LUT_TO_DENSE_V16',
                                   'iOS18': 'CONSTEXPR_LUT_TO_DENSE_V18'}
RULES['constexpr_sparse_to_dense'] = {'iOS16': 'CONSTEXPR_SPARSE_TO_DENSE_V16',
                                      'iOS18': 'CONSTEXPR_SPARSE_TO_DENSE_V18'}
rule('CONSTEXPR_BLOCKWISE_SHIFT_SCALE', 'constexpr_blockwise_shift_scale')
rule('CONSTEXPR_LUT_TO_SPARSE', 'constexpr_lut_to_sparse')
rule('CONSTEXPR_SPARSE_BLOCKWISE_SHIFT_SCALE', 'constexpr_sparse_blockwise_shift_scale')
rule('READ_STATE', 'read_state')
rule('WRITE_STATE', 'write_state')
rule('SCALED_DOT_PRODUCT_ATTENTION', 'scaled_dot_product_attention')

# ---------------------------------------------------------------- outputs
# Comma-separated outputs; each is a type variable (T, U, DstT, ...), a
# dtype name (bool, int32, uint1), '=operand' (a dtype-string operand) or
# '?' (the rule decides).  'A|B': outputs after '|' are optional.  A
# trailing '+' (one or more) or '*' (zero or more) makes the last output
# repeat.  '' = no outputs.  Ops not listed have one output of type T.
OUTS = {
    'logical_not': 'bool',
    'equal': 'bool', 'not_equal': 'bool', 'greater': 'bool', 'greater_equal': 'bool',
    'less': 'bool', 'less_equal': 'bool',
    'logical_and': 'bool', 'logical_or': 'bool', 'logical_xor': 'bool',
    'cast': '=dtype',
    'constexpr_cast': '=output_dtype',
    'argsort': 'int32', 'shape': 'int32', 'non_zero': 'int32', 'list_length': 'int32',
    'reduce_argmax': {'iOS15': 'int32', 'iOS17': '=output_dtype'},
    'reduce_argmin': {'iOS15': 'int32', 'iOS17': '=output_dtype'},
    'topk': {'iOS15': 'T,int32', 'iOS16': 'T|int32', 'iOS17': 'T|=output_indices_dtype'},
    'non_maximum_suppression': {'iOS15': 'T,T,int32,int32', 'iOS17': 'T,T,int32'},
    'split': 'T+',
    'cond': '?*',
    'while_loop': '?+',
    'const': '?', 'identity': '?', 'concat': '?', 'stack': '?', 'einsum': '?',
    'classify': '?,?',
    'matmul': {'iOS15': 'T', 'iOS17': '?'},
    'fill_like': 'U',
    'quantize': '=output_dtype',
    'dequantize': 'DstT',
    'constexpr_affine_dequantize': 'DstT',
    'constexpr_blockwise_shift_scale': 'DstT',
    'constexpr_lut_to_sparse': 'uint1,T',
    'constexpr_sparse_blockwise_shift_scale': 'uint1,DstT',
    'write_state': '',
    'make_list': '?', 'list_write': '?', 'list_scatter': '?', 'list_read': '?',
    'list_gather': '?',
    'lstm': 'T,T,T', 'gru': 'T,T', 'rnn': 'T,T',
}

NBLOCKS = {'cond': 2, 'while_loop': 2}

FLAGS = {}
for _op in ('const', 'constexpr_affine_dequantize', 'constexpr_cast', 'constexpr_lut_to_dense',
            'constexpr_sparse_to_dense', 'constexpr_blockwise_shift_scale',
            'constexpr_lut_to_sparse', 'constexpr_sparse_blockwise_shift_scale'):
    FLAGS.setdefault(_op, []).append('OPF_CONSTEXPR')
for _op in ('random_bernoulli', 'random_categorical', 'random_normal', 'random_uniform'):
    FLAGS.setdefault(_op, []).append('OPF_RANDOM')
for _op in ('read_state', 'write_state'):
    FLAGS.setdefault(_op, []).append('OPF_STATEFUL')
FLAGS.setdefault('classify', []).append('OPF_TERMINAL')
# The six comparisons (ops.md "Comparison"): the logical_* ops share their
# rule but take bools; ane-legality.md's select rule names these six.
for _op in ('equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal'):
    FLAGS.setdefault(_op, []).append('OPF_COMPARISON')
for _op in ('conv_quantized', 'make_list', 'list_length', 'list_write', 'list_read',
            'list_gather', 'list_scatter'):
    FLAGS.setdefault(_op, []).append('OPF_UNSURE_RUNTIME')


# ---------------------------------------------------------------- cost classes
# Which constants the cost model estimates an op with: the classes passes/cost.c
# calibrates against ane-legality.md §3's examples (conv, matmul, sdpa, ...).
# Ops not named are element-wise.
# X-macro order of OP_COST_CLASS_LIST in ir/op_catalogue.h.
COST_CLASSES = ['ELEM', 'VIEW', 'MOVE', 'CONCAT', 'NORM', 'CONV', 'MATMUL', 'SDPA',
                'RESIZE', 'POOL', 'RNN', 'CONTROL']
COST = {}


def cost(cls, *ops):
    assert cls in COST_CLASSES, cls
    for op in ops:
        assert op not in COST, op
        COST[op] = cls


cost('CONV', 'conv', 'conv_transpose', 'conv_quantized')
cost('MATMUL', 'matmul', 'linear', 'einsum')
cost('SDPA', 'scaled_dot_product_attention')
cost('NORM', 'softmax', 'layer_norm', 'batch_norm', 'instance_norm', 'l2_norm',
     'local_response_norm', 'reduce_argmax', 'reduce_argmin', 'reduce_l1_norm',
     'reduce_l2_norm', 'reduce_log_sum', 'reduce_log_sum_exp', 'reduce_max', 'reduce_mean',
     'reduce_min', 'reduce_prod', 'reduce_sum', 'reduce_sum_square')
cost('VIEW', 'reshape', 'squeeze', 'expand_dims', 'identity', 'flatten2d', 'reshape_like')
cost('MOVE', 'transpose', 'slice_by_index', 'slice_by_size', 'slice_update', 'gather',
     'gather_along_axis', 'gather_nd', 'scatter', 'scatter_along_axis', 'scatter_nd', 'pad',
     'crop', 'depth_to_space', 'space_to_depth', 'pixel_shuffle', 'pixel_unshuffle',
     'space_to_batch', 'batch_to_space', 'reverse', 'sliding_windows')
cost('CONCAT', 'concat', 'split', 'stack', 'tile')
cost('RESIZE', 'upsample_nearest_neighbor', 'upsample_bilinear', 'resize_nearest_neighbor',
     'resize_bilinear', 'resize', 'crop_resize', 'resample', 'affine')
cost('POOL', 'max_pool', 'avg_pool', 'l2_pool')
cost('RNN', 'lstm', 'gru', 'rnn')
cost('CONTROL', 'cond', 'while_loop')

# Data movement: ops that only move or select elements (layout, slicing,
# gathering, joining): the view, move and concat classes.
DATA_MOVEMENT_CLASSES = ('VIEW', 'MOVE', 'CONCAT')
# Element-wise: shape-preserving unary math and the broadcasting n-ary ops,
# by their typing rule; the norms that share ELEMENTWISE_UNARY's shape rule
# are not element-wise (they reduce), nor is a constexpr (a constant).
UNARY_ELEMENTWISE_RULES = ('ELEMENTWISE_UNARY',)
BROADCAST_ELEMENTWISE_RULES = ('BROADCAST_BINARY', 'COMPARE', 'SELECT')


def is_weight_operand(name):
    """Operands that carry a layer's learned parameters: weight*, bias*
    (what the ANE rules exempt from the fp16 range check, ane-legality.md)."""
    return name.startswith('weight') or name.startswith('bias')


def row_flags(op, ver):
    f = list(FLAGS.get(op, []))
    cls = COST.get(op, 'ELEM')
    r = per_version(RULES, op, ver, 'rule')
    if cls in DATA_MOVEMENT_CLASSES:
        f.append('OPF_DATA_MOVEMENT')
    if cls == 'ELEM' and not op.startswith('constexpr_'):
        if r in UNARY_ELEMENTWISE_RULES:
            f.append('OPF_UNARY_ELEMENTWISE')
        elif r in BROADCAST_ELEMENTWISE_RULES:
            f.append('OPF_BROADCAST_ELEMENTWISE')
    # protobuf.md / load.py translate_constexpr: op.opset_version <= iOS17
    # => every operand is an attribute.
    if op.startswith('constexpr_') and OPSETS.index(ver) <= OPSETS.index('iOS17'):
        f.append('OPF_ATTR_OPERANDS')
    return '|'.join(f) if f else '0'


# ---------------------------------------------------------------- fixes
# (op, version or None for all, operand, field, value, reason).  Each is a
# place where ops.md's text contradicts or refines the TSV row.
FIXES = [
    ('list_scatter', None, 'value', 'rank', '>=1',
     'ops.md list_scatter: value is [K, *elem_shape]; the TSV says rank 0'),
    ('constexpr_lut_to_dense', 'iOS18', 'vector_axis', 'rank', '0',
     'ops.md constexpr_lut_to_dense: "vector_axis const int32 scalar"; the TSV says any'),
    ('read_state', None, 'input', 'type_var', 'T',
     'dtypes "state<tensor<T>>": the wrapped tensor dtype is T'),
    ('write_state', None, 'input', 'type_var', 'T',
     'dtypes "state<tensor<T>>": the wrapped tensor dtype is T, shared with data'),
]

# ---------------------------------------------------------------- parsing
DTYPE_ENUM = {
    'bool': 'BOOL', 'string': 'STRING', 'fp16': 'FP16', 'fp32': 'FP32', 'fp64': 'FP64',
    'bf16': 'BF16', 'int8': 'INT8', 'int16': 'INT16', 'int32': 'INT32', 'int64': 'INT64',
    'int4': 'INT4', 'uint8': 'UINT8', 'uint16': 'UINT16', 'uint32': 'UINT32',
    'uint64': 'UINT64', 'uint4': 'UINT4', 'uint2': 'UINT2', 'uint1': 'UINT1',
    'uint6': 'UINT6', 'uint3': 'UINT3',
}
KIND_ENUM = {
    'tensor': 'TENSOR', 'const': 'CONST', 'tuple': 'TUPLE', 'list': 'LIST',
    'list(const)': 'CONST_LIST', 'state': 'STATE', 'attribute': 'ATTR',
    'tensor|list|dict': 'VALUE',
}
TVARS = ['T', 'U', 'I', 'K', 'M', 'SrcT', 'DstT', 'ZeroPointT', 'OffsetT', 'IndicesT',
         'BOX_T', 'BOX_INDEX_T']


def die(msg):
    sys.stderr.write('gen_op_table: %s\n' % msg)
    sys.exit(2)


def read_tsv(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    hdr = lines[0].split('\t')
    rows = []
    for n, line in enumerate(lines[1:], 2):
        if not line or line.startswith('#'):
            continue
        cells = line.split('\t')
        if len(cells) != len(hdr):
            die('%s:%d: %d cells, expected %d' % (path, n, len(cells), len(hdr)))
        rows.append(dict(zip(hdr, cells)))
    return rows


def version_part(text, ver):
    """'1 (iOS16) / >=1 (iOS18)' -> the part for this version."""
    if ' / ' not in text or '(iOS' not in text:
        return text
    parts = [p.strip() for p in text.split(' / ')]
    best = None
    for p in parts:
        v = p[p.rindex('(iOS') + 1:p.rindex(')')]
        if OPSETS.index(v) <= OPSETS.index(ver):
            best = p[:p.rindex('(iOS')].strip()
    if best is None:
        die('no part of %r applies to %s' % (text, ver))
    return best


def parse_rank(text):
    """-> (min, max, same_as) for a rank cell; max -1 = unbounded."""
    t = text
    if t in ('any', 'tuple', 'list', 'state', 'any (bcast)', '=elem rank', '=state shape',
             'len(axes)'):
        return 0, -1, None
    if t.startswith('=rank(') and t.endswith(')'):
        return 0, -1, t[len('=rank('):-1]
    if t.startswith('rank(') and t.endswith(')+2'):
        return 3, -1, None          # lut [*G, 2^nbits, VS]: indices rank >= 1
    if t.startswith('tuple of 2, rank '):
        lo, hi = t[len('tuple of 2, rank '):].split('|')
        return int(lo), int(hi), None
    head = t.split(' ')[0]
    if head.startswith('>='):
        return int(head[2:]), -1, None
    if '..' in head:
        lo, hi = head.split('..')
        return int(lo), int(hi), None
    if '|' in head:
        vals = sorted(int(v) for v in head.split('|'))
        if vals != list(range(vals[0], vals[-1] + 1)):
            die('rank %r is not a range' % text)
        return vals[0], vals[-1], None
    if head.isdigit():
        return int(head), int(head), None
    die('cannot parse rank %r' % text)


def parse_dtypes(text):
    if text == 'any' or text.startswith('any literal'):
        return 'DTM_ALL'
    if text.startswith('state<'):
        return None                 # resolved from the type variable later
    names = text.split(',')
    for n in names:
        if n not in DTYPE_ENUM:
            die('unknown dtype %r in %r' % (n, text))
    # Canonical order (the DType enum's) so masks read the same everywhere.
    order = list(DTYPE_ENUM)
    names = sorted(set(names), key=order.index)
    return '|'.join('DTM(%s)' % DTYPE_ENUM[n] for n in names)


def c_str(s):
    if s is None:
        return 'NULL'
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def parse_outs(spec, op, ver, tvars_of_op):
    """-> (nout_min, nout_max, [OUT_... strings])"""
    if spec == '':
        return 0, 0, []
    rep = None
    if spec[-1] in '+*':
        rep = spec[-1]
        spec = spec[:-1]
    req, _, opt = spec.partition('|')
    items = req.split(',') + (opt.split(',') if opt else [])
    nreq = len(req.split(','))
    outs = []
    for it in items:
        if it == '?':
            outs.append('OUT_RULE')
        elif it.startswith('='):
            outs.append('OUT_OPND(%s)' % it[1:])
        elif it in DTYPE_ENUM:
            outs.append('OUT_DT(%s)' % DTYPE_ENUM[it])
        elif it in TVARS:
            if it not in tvars_of_op:
                die('%s %s: output type variable %s not bound by any operand' % (op, ver, it))
            outs.append('OUT_TV(%s)' % it)
        else:
            die('%s %s: bad output %r' % (op, ver, it))
    nmin, nmax = nreq, len(items)
    if rep == '+':
        nmax = 'OP_OUTS_VARIADIC'
    elif rep == '*':
        nmin, nmax = nreq - 1, 'OP_OUTS_VARIADIC'
    return nmin, nmax, outs


def build(tsv_rows):
    """-> OrderedDict op -> [(ver, [operand dicts])], sorted."""
    versions = {}
    seen = {}
    for r in tsv_rows:
        key = (r['op'], r['version_defined_in'])
        pos = int(r['position'])
        cells = tuple((k, v) for k, v in r.items() if k != 'opset')
        if (key, pos) in seen:
            if seen[(key, pos)] != cells:
                die('%s %s operand %s differs between opsets' % (key[0], key[1], r['operand']))
            continue
        seen[(key, pos)] = cells
        versions.setdefault(key, []).append(r)
        # Each opset must resolve to the newest version <= itself.
        if OPSETS.index(r['version_defined_in']) > OPSETS.index(r['opset']):
            die('%s: version %s listed under %s' % (r['op'], r['version_defined_in'], r['opset']))
    ops = OrderedDict()
    for (op, ver) in sorted(versions, key=lambda k: (k[0], OPSETS.index(k[1]))):
        opnds = sorted(versions[(op, ver)], key=lambda r: int(r['position']))
        ops.setdefault(op, []).append((ver, [dict(o) for o in opnds]))
    for op, fixes in ((f[0], f) for f in FIXES):
        vers = ops.get(op)
        if not vers:
            die('fix for unknown op %s' % op)
        hit = False
        for ver, opnds in vers:
            if fixes[1] not in (None, ver):
                continue
            for o in opnds:
                if o['operand'] == fixes[2]:
                    o[fixes[3]] = fixes[4]
                    o['fixed'] = fixes[5]
                    hit = True
        if not hit:
            die('fix %r matched nothing' % (fixes,))
    return ops


def per_version(table, op, ver, what):
    v = table.get(op)
    if isinstance(v, dict):
        best = None
        for k in sorted(v, key=OPSETS.index):
            if OPSETS.index(k) <= OPSETS.index(ver):
                best = v[k]
        if best is None:
            die('%s %s: no %s' % (op, ver, what))
        return best
    return v


def emit(ops):
    out = []
    w = out.append
    w('/*')
    w(' * op_table.def - every MIL op of every opset: one row per op per version.')
    w(' * GENERATED by scripts/gen_op_table.py from spec/ops.tsv and')
    w(' * scripts/ops_extra.tsv: add operand rows there, rules/outputs/flags in the')
    w(' * script, and regenerate (docs/op-catalogue.md, "How to add an op").')
    w(' *')
    w(' * OP(name, since, rule, flags, cost class, nblocks, OUTS(min, max, out...),')
    w(' *    IN(...)...)')
    w(' *   first version of an op: defines OPID_<name>.')
    w(' * OP_V(...)   same columns: a re-versioned signature, in force from `since`')
    w(' *   until the next OP_V of the op.')
    w(' * OUT_TV(tvar) | OUT_DT(dtype) | OUT_OPND(operand) | OUT_RULE: output dtype.')
    w(' * IN(name, kind, dtypes, tvar, rank_min, rank_max, rank_same_as, rank_text,')
    w(' *    REQ|OPT, default, WEIGHT|PLAIN): one operand; rank_max -1 = unbounded;')
    w(' *    default is the ops.tsv expression text or NULL; WEIGHT marks a layer\'s')
    w(' *    learned parameters (weight*, bias*).')
    w(' * ORDER OP: sorted by name (bsearch in op_catalogue.c; checked by')
    w(' * tests/test_op_catalogue.c).')
    w(' */')
    for op, vers in ops.items():
        w('')
        w('/* ---- %s %s */' % (op, '-' * max(3, 66 - len(op))))
        for i, (ver, opnds) in enumerate(vers):
            r = per_version(RULES, op, ver, 'rule')
            if r is None:
                die('no rule for %s' % op)
            tvars = {o['type_var'] for o in opnds if o['type_var']}
            spec = per_version(OUTS, op, ver, 'outputs')
            if spec is None:
                if 'T' not in tvars:
                    die('%s %s: no output spec and no T operand' % (op, ver))
                spec = 'T'
            nmin, nmax, outs = parse_outs(spec, op, ver, tvars)
            outs_c = 'OUTS(%s, %s, %s)' % (nmin, nmax, ', '.join(outs)) if outs else 'NO_OUTS'
            macro = 'OP' if i == 0 else 'OP_V'
            w('%s(%s, %s, %s, %s, %s, %d, %s,' % (macro, op, ver.upper(), r, row_flags(op, ver),
                                                  COST.get(op, 'ELEM'), NBLOCKS.get(op, 0),
                                                  outs_c))
            lines = []
            for o in opnds:
                kind = KIND_ENUM.get(o['kind'])
                if kind is None:
                    die('%s: unknown kind %r' % (op, o['kind']))
                rank_text = version_part(o['rank'], ver)
                rmin, rmax, same = parse_rank(rank_text)
                dts = parse_dtypes(o["dtypes"])
                tv = o['type_var'] or 'NONE'
                if tv != 'NONE' and tv not in TVARS:
                    die('%s: unknown type variable %s' % (op, tv))
                if dts is None:     # state<tensor<T>>: T's domain in this op, else any
                    doms = [parse_dtypes(p["dtypes"]) for p in opnds
                            if p is not o and p['type_var'] == o['type_var'] and o['type_var']]
                    dts = doms[0] if doms else 'DTM_ALL'
                opt = {'yes': 'OPT', 'no': 'REQ'}[o['optional']]
                default = o['default'] or None
                if opt == 'REQ' and default:
                    die('%s.%s: required with a default' % (op, o['operand']))
                cols = ['%s,' % o['operand'], '%s,' % kind, '%s,' % dts, '%s,' % tv,
                        '%d,' % rmin, '%d,' % rmax, '%s,' % c_str(same), '%s,' % c_str(rank_text),
                        '%s,' % opt, '%s,' % c_str(default),
                        'WEIGHT' if is_weight_operand(o['operand']) else 'PLAIN']
                lines.append((cols, o.get('fixed')))
            widths = [max(len(c[0][k]) for c in lines) for k in range(len(lines[0][0]))]
            for n, (cols, fixed) in enumerate(lines):
                if fixed:
                    w('\t/* fixed: %s */' % fixed)
                text = ' '.join(c.ljust(widths[k]) for k, c in enumerate(cols)).rstrip()
                w('\tIN(%s)%s' % (text, ')' if n == len(lines) - 1 else ''))
    return '\n'.join(out) + '\n'


def markdown(ops):
    out = ['| op | versions | rule(s) | outputs |', '|---|---|---|---|']
    for op, vers in ops.items():
        vs = ', '.join(v for v, _ in vers)
        rs = []
        for v, _ in vers:
            r = per_version(RULES, op, v, 'rule')
            if r not in rs:
                rs.append(r)
        os_ = []
        for v, opnds in vers:
            s = per_version(OUTS, op, v, 'outputs')
            s = 'T' if s is None else (s or '(none)')
            if s not in os_:
                os_.append(s)
        out.append('| %s | %s | %s | %s |' % (op, vs, ' / '.join('RULE_' + r for r in rs),
                                              ' / '.join('`%s`' % s for s in os_)))
    return '\n'.join(out) + '\n'


def check_coverage(ops):
    for op in ops:
        if op not in RULES:
            die('op %s has no rule' % op)
    for table, name in ((RULES, 'RULES'), (OUTS, 'OUTS'), (NBLOCKS, 'NBLOCKS'), (FLAGS, 'FLAGS'),
                        (COST, 'COST')):
        for op in table:
            if op not in ops:
                die('%s names %s, which is not in ops.tsv' % (name, op))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tsv', default=DEFAULT_TSV)
    ap.add_argument('--extra', default=DEFAULT_EXTRA,
                    help='more rows in the ops.tsv format (default scripts/ops_extra.tsv)')
    ap.add_argument('-o', '--output', default=DEFAULT_OUT)
    ap.add_argument('--check', action='store_true', help='compare with --output, do not write')
    ap.add_argument('--markdown', action='store_true', help='print the op index for the docs')
    a = ap.parse_args()
    rows = read_tsv(a.tsv)
    if os.path.exists(a.extra):
        rows += read_tsv(a.extra)
    ops = build(rows)
    check_coverage(ops)
    if a.markdown:
        sys.stdout.write(markdown(ops))
        return 0
    text = emit(ops)
    if a.check:
        try:
            with open(a.output, encoding='utf-8') as f:
                old = f.read()
        except OSError:
            old = None
        if old != text:
            sys.stderr.write('gen_op_table: %s is stale; rerun scripts/gen_op_table.py\n'
                             % a.output)
            return 1
        return 0
    with open(a.output, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
