#ifndef SENTIMENT_ASSETS_H
#define SENTIMENT_ASSETS_H

#include <stddef.h>

/// The English word vectors bundled in the executable (assets/english-vectors.skv, the compact form
/// of WordVectors' CompactVectors), as bytes compiled into the binary.
const unsigned char *sk_bundled_english_vectors(void);
size_t sk_bundled_english_vectors_size(void);

#endif
