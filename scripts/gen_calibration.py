#!/usr/bin/env python3
"""Write the MIL programs of examples/calibration/: the networks behind the
published latencies of ../shared/spec/ane-hardware.md, built as MIL text so
that anelint's cost model can be compared with them (docs/calibration.md).

Weights are BLOBFILE references (the file need not exist: the passes only
read types).  Run from the repository root:

    python3 scripts/gen_calibration.py
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "calibration")
IND = " " * 12


class Prog:
    def __init__(self, name, opset, params):
        self.name, self.opset, self.params = name, opset, params
        self.lines, self.offset, self.n = [], 64, 0

    def fresh(self, stem):
        self.n += 1
        return "%s_%d" % (stem, self.n)

    def weight(self, shape, stem="w", dtype="fp16"):
        name = self.fresh(stem)
        t = "tensor<%s, [%s]>" % (dtype, ", ".join(map(str, shape)))
        self.lines.append('%s%s %s = const()[name = string("%s"), val = %s(BLOBFILE(path = '
                          'string("@model_path/weights/weight.bin"), offset = uint64(%d)))];'
                          % (IND, t, name, name, t, self.offset))
        count = 1
        for d in shape:
            count *= d
        self.offset += 64 + (count * 2 + 63) // 64 * 64
        return name

    def op(self, shape, call, stem, dtype="fp16"):
        name = self.fresh(stem)
        t = "tensor<%s, [%s]>" % (dtype, ", ".join(map(str, shape)))
        self.lines.append('%s%s %s = %s[name = string("%s")];' % (IND, t, name, call, name))
        return name

    def biased(self, kind, x, wshape, shape, stem):
        """A `kind` op (linear, or a 1x1 conv) of x with weight `wshape` and a
        bias, to `shape`."""
        w, b = self.weight(wshape), self.weight([wshape[0]], "b")
        return self.op(shape, "%s(x = %s, weight = %s, bias = %s)" % (kind, x, w, b), stem)

    def layer_norm(self, x, shape, axis):
        """layer_norm of x over `axis` with gamma and beta."""
        g, be = self.weight([shape[axis]], "gamma"), self.weight([shape[axis]], "beta")
        return self.op(shape, "layer_norm(x = %s, axes = %s, gamma = %s, beta = %s, "
                       "epsilon = fp16(0x1.5p-17))" % (x, ints([axis]), g, be), "ln")

    def ops(self, shapes, call, stem):
        """An op with several outputs of the given shapes."""
        names = [self.fresh(stem) for _ in shapes]
        outs = ", ".join("tensor<fp16, [%s]> %s" % (", ".join(map(str, s)), n)
                         for s, n in zip(shapes, names))
        self.lines.append('%s%s = %s[name = string("%s")];' % (IND, outs, call, names[0]))
        return names

    def write(self, comment, result):
        path = os.path.join(OUT, self.name + ".mil")
        with open(path, "w") as f:
            for c in comment.strip().splitlines():
                f.write("// %s\n" % c)
            f.write("program(1.3)\n{\n    func main<%s>(%s) {\n" % (self.opset, self.params))
            f.write("\n".join(self.lines) + "\n")
            f.write("        } -> (%s);\n}\n" % result)
        print("wrote %s (%d ops)" % (path, len(self.lines)))


def ints(v):
    return "tensor<int32, [%d]>([%s])" % (len(v), ", ".join(map(str, v)))


def chained_conv(layers=128, ch=512, hw=64):
    p = Prog("chained_conv_128x512_64x64", "ios17", "tensor<fp16, [1, %d, %d, %d]> x" % (ch, hw, hw))
    x = "x"
    for _ in range(layers):
        w = p.weight([ch, ch, 1, 1])
        x = p.op([1, ch, hw, hw], "conv(x = %s, weight = %s)" % (x, w), "conv")
    p.write("""
maderix's M4 peak measurement [MDX-README]: 128 chained 512-channel convs at
64x64 (1x1 kernels assumed), FP16 18.6 TFLOPS.  128 x 2 x 512 x 512 x 64 x 64
= 274.9 GFLOP, so 14.78 ms at 18.6 TFLOPS.""", x)


def conv256():
    p = Prog("conv1x1_256_s64", "ios17", "tensor<fp16, [1, 256, 1, 64]> x")
    w = p.weight([256, 256, 1, 1])
    y = p.op([1, 256, 1, 64], "conv(x = x, weight = %s)" % w, "conv")
    p.write("""
A single 256x256 conv kernel on M5, direct route [MDX-M5]: ~0.07 ms predict; an
8.4 MFLOP conv took 0.06-0.11 ms.  2 x 256 x 256 x 64 positions = 8.39 MFLOP:
a 1x1 conv from 256 to 256 channels over 64 positions.""", y)


def matmul(n):
    p = Prog("matmul_%d" % n, "ios17", "tensor<fp16, [%d, %d]> a, tensor<fp16, [%d, %d]> b"
             % (n, n, n, n))
    y = p.op([n, n], "matmul(x = a, y = b)", "matmul")
    p.write("""
A %dx%d by %dx%d fp16 matmul on M4, direct route [MDX-SS2].""" % (n, n, n, n), y)


def distilbert_baseline(layers=6, seq=128, d=768, heads=12, ff=3072):
    hd = d // heads
    p = Prog("distilbert_baseline", "ios16", "tensor<fp16, [1, %d, %d]> hidden" % (seq, d))
    x = "hidden"
    for _ in range(layers):
        proj = []
        for _ in range(3):
            y = p.biased("linear", x, [d, d], [1, seq, d], "linear")
            y = p.op([1, seq, heads, hd], "reshape(x = %s, shape = %s)" % (y, ints([1, seq, heads, hd])),
                     "reshape")
            y = p.op([1, heads, seq, hd], "transpose(x = %s, perm = %s)" % (y, ints([0, 2, 1, 3])),
                     "transpose")
            proj.append(y)
        q, k, v = proj
        q = p.op([1, heads, seq, hd], "mul(x = %s, y = fp16(0x1p-3))" % q, "scale")
        s = p.op([1, heads, seq, seq], "matmul(x = %s, y = %s, transpose_y = bool(true))" % (q, k),
                 "scores")
        s = p.op([1, heads, seq, seq], "softmax(x = %s, axis = int32(-1))" % s, "softmax")
        c = p.op([1, heads, seq, hd], "matmul(x = %s, y = %s)" % (s, v), "context")
        c = p.op([1, seq, heads, hd], "transpose(x = %s, perm = %s)" % (c, ints([0, 2, 1, 3])),
                 "transpose")
        c = p.op([1, seq, d], "reshape(x = %s, shape = %s)" % (c, ints([1, seq, d])), "reshape")
        o = p.biased("linear", c, [d, d], [1, seq, d], "out")
        r = p.op([1, seq, d], "add(x = %s, y = %s)" % (x, o), "residual")
        ln = p.layer_norm(r, [1, seq, d], 2)
        f = p.biased("linear", ln, [ff, d], [1, seq, ff], "ffn1")
        f = p.op([1, seq, ff], 'gelu(x = %s, mode = string("EXACT"))' % f, "gelu")
        f = p.biased("linear", f, [d, ff], [1, seq, d], "ffn2")
        r = p.op([1, seq, d], "add(x = %s, y = %s)" % (ln, f), "residual")
        x = p.layer_norm(r, [1, seq, d], 2)
    p.write("""
A DistilBERT-like encoder as the Hugging Face model converts (batch, seq, channels):
6 layers, hidden 768, 12 heads, FFN 3072, sequence 128, fp16; from the
embeddings to the encoder output (the embedding gather and the classifier are
left out).  Published [APL-MAT]: 9.89 ms predict on iPhone 13 Pro Max (A15),
CPU_AND_NE, iOS 16.""", x)


def distilbert_ane(layers=6, seq=128, d=768, heads=12, ff=3072):
    hd = d // heads
    p = Prog("distilbert_ane", "ios16", "tensor<fp16, [1, %d, 1, %d]> hidden" % (d, seq))
    x = "hidden"
    for _ in range(layers):
        proj = []
        for _ in range(3):
            proj.append(p.biased("conv", x, [d, d, 1, 1], [1, d, 1, seq], "proj"))
        q, k, v = proj
        q = p.op([1, d, 1, seq], "mul(x = %s, y = fp16(0x1p-3))" % q, "scale")
        qs = p.ops([[1, hd, 1, seq]] * heads, "split(x = %s, num_splits = int32(%d), axis = int32(1))"
                   % (q, heads), "qh")
        ks = p.ops([[1, hd, 1, seq]] * heads, "split(x = %s, num_splits = int32(%d), axis = int32(1))"
                   % (k, heads), "kh")
        vs = p.ops([[1, hd, 1, seq]] * heads, "split(x = %s, num_splits = int32(%d), axis = int32(1))"
                   % (v, heads), "vh")
        outs = []
        for h in range(heads):
            q3 = p.op([1, hd, seq], "reshape(x = %s, shape = %s)" % (qs[h], ints([1, hd, seq])), "r")
            k3 = p.op([1, hd, seq], "reshape(x = %s, shape = %s)" % (ks[h], ints([1, hd, seq])), "r")
            v3 = p.op([1, hd, seq], "reshape(x = %s, shape = %s)" % (vs[h], ints([1, hd, seq])), "r")
            s = p.op([1, seq, seq], "matmul(x = %s, y = %s, transpose_x = bool(true))" % (k3, q3),
                     "scores")
            s = p.op([1, seq, seq], "softmax(x = %s, axis = int32(1))" % s, "softmax")
            o = p.op([1, hd, seq], "matmul(x = %s, y = %s)" % (v3, s), "context")
            outs.append(p.op([1, hd, 1, seq], "reshape(x = %s, shape = %s)" % (o, ints([1, hd, 1, seq])),
                             "r"))
        c = p.op([1, d, 1, seq], "concat(values = (%s), axis = int32(1))" % ", ".join(outs), "concat")
        o = p.biased("conv", c, [d, d, 1, 1], [1, d, 1, seq], "out")
        r = p.op([1, d, 1, seq], "add(x = %s, y = %s)" % (x, o), "residual")
        ln = p.layer_norm(r, [1, d, 1, seq], 1)
        f = p.biased("conv", ln, [ff, d, 1, 1], [1, ff, 1, seq], "ffn1")
        f = p.op([1, ff, 1, seq], 'gelu(x = %s, mode = string("EXACT"))' % f, "gelu")
        f = p.biased("conv", f, [d, ff, 1, 1], [1, d, 1, seq], "ffn2")
        r = p.op([1, d, 1, seq], "add(x = %s, y = %s)" % (ln, f), "residual")
        x = p.layer_norm(r, [1, d, 1, seq], 1)
    p.write("""
The same encoder in Apple's ANE layout (ml-ane-transformers [APL-ART]): channels
first (batch, channels, 1, seq), 1x1 convs for every projection, heads split
and attended one by one, layer norm over the channels.  Published [APL-MAT]:
3.48 ms predict on iPhone 13 Pro Max (A15), CPU_AND_NE, iOS 16.""", x)


def main():
    os.makedirs(OUT, exist_ok=True)
    chained_conv()
    conv256()
    for n in (256, 2048, 4096):
        matmul(n)
    distilbert_baseline()
    distilbert_ane()


if __name__ == "__main__":
    main()
