// Files compiled into the executable with C23's #embed, so that a binary copied alone onto PATH still
// has them: no resource bundle to lose, no path to look up at run time.
#include "sentiment_assets.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char english_vectors[] = {
#embed "assets/english-vectors.skv"
};

const unsigned char *sk_bundled_english_vectors(void) { return english_vectors; }
size_t sk_bundled_english_vectors_size(void) { return sizeof english_vectors; }

// Aligned so that its tensors lie aligned too and the model's embedding can be read in place.
static const unsigned char general_model[] __attribute__((aligned(64))) = {
#embed "assets/general-model.safetensors"
};

const unsigned char *sk_bundled_general_model(void) { return general_model; }
size_t sk_bundled_general_model_size(void) { return sizeof general_model; }
