#ifndef SENTIMENT_ASSETS_H
#define SENTIMENT_ASSETS_H

#include <stddef.h>

/// The English word vectors bundled in the executable (assets/english-vectors.skv, the compact form
/// of WordVectors' CompactVectors), as bytes compiled into the binary.
const unsigned char *sk_bundled_english_vectors(void);
size_t sk_bundled_english_vectors_size(void);

/// The general model bundled in the executable (assets/general-model.safetensors, a model file made
/// by scripts/make_bundled_model.sh), as bytes compiled into the binary.
const unsigned char *sk_bundled_general_model(void);
size_t sk_bundled_general_model_size(void);

#endif
