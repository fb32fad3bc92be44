// A thin C shim over the parts of ICU the tokenizer needs.
//
// Only plain C types appear here: ICU's own headers clash with the ICU that Foundation bundles when
// both are imported into Swift on Linux, so every ICU call stays in sentiment_icu.c.
// UTF-16 text is passed as uint16_t code units. Status codes are ICU UErrorCode values (0 = success,
// negative = warning, positive = failure); `sicu_failed` tells them apart.
#ifndef SENTIMENT_ICU_H
#define SENTIMENT_ICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether an ICU status code means failure.
int sicu_failed(int32_t status);

/// ICU's name for a status code, e.g. "U_BUFFER_OVERFLOW_ERROR".
const char *sicu_error_name(int32_t status);

/// The status code for a destination buffer that is too small.
int32_t sicu_buffer_overflow_status(void);

/// Converts UTF-8 to UTF-16, replacing each ill-formed sequence (stray continuation bytes, truncated
/// and overlong sequences, surrogates, values above U+10FFFF) with U+FFFD.
/// Returns the UTF-16 length; when it exceeds `capacity`, *status is a buffer overflow and nothing useful
/// was written. *substitutions receives the number of replacements made.
int32_t sicu_utf8_to_utf16(const char *source, int32_t length, uint16_t *destination, int32_t capacity,
                           int32_t *substitutions, int32_t *status);

/// Length of the prefix of `source` that is certainly already in NFKC (ICU's quick check).
int32_t sicu_nfkc_normalized_prefix(const uint16_t *source, int32_t length, int32_t *status);

/// Writes the NFKC form of `source` to `destination`, given that its first `normalizedPrefix` units are
/// already normalized (see sicu_nfkc_normalized_prefix). Returns the normalized length; a buffer overflow
/// status when it exceeds `capacity`.
int32_t sicu_nfkc(const uint16_t *source, int32_t length, int32_t normalizedPrefix, uint16_t *destination,
                  int32_t capacity, int32_t *status);

/// Full Unicode case folding (default mappings, so "ß" becomes "ss"). Returns the folded length; a buffer
/// overflow status when it exceeds `capacity`.
int32_t sicu_fold_case(const uint16_t *source, int32_t length, uint16_t *destination, int32_t capacity,
                       int32_t *status);

/// Whether a code point has the Unicode White_Space property.
int sicu_is_white_space(int32_t codePoint);

/// Whether a code point is a letter or a digit (alphabetic, or general category Nd).
int sicu_is_alphanumeric(int32_t codePoint);

/// An ICU word break iterator. Not thread-safe: use one per thread.
typedef struct sicu_word_breaker sicu_word_breaker;

/// Opens a word break iterator for a locale such as "root", "th" or "ja". NULL on failure (see *status).
sicu_word_breaker *sicu_word_breaker_open(const char *locale, int32_t *status);

/// An independent copy of an iterator (cheaper than opening a new one). NULL on failure.
sicu_word_breaker *sicu_word_breaker_clone(const sicu_word_breaker *breaker, int32_t *status);

void sicu_word_breaker_close(sicu_word_breaker *breaker);

/// Points the iterator at `text`, which must stay alive and unchanged while the iterator is used on it.
void sicu_word_breaker_set_text(sicu_word_breaker *breaker, const uint16_t *text, int32_t length,
                                int32_t *status);

/// The next boundary after the current one, or -1 at the end of the text.
int32_t sicu_word_breaker_next(sicu_word_breaker *breaker);

/// The name of the locale whose break rules were actually loaded (useful to report a locale fallback).
const char *sicu_word_breaker_locale(const sicu_word_breaker *breaker, int32_t *status);

/// Up to `capacity` charsets that ICU's detector (ucsdet) finds plausible for `bytes`, best first. Each
/// name is written NUL-terminated into `names` at `index * nameCapacity` (cut to fit) and its
/// confidence (0–100) into `confidences`. Returns the number of matches written.
int32_t sicu_detect_charsets(const char *bytes, int32_t length, char *names, int32_t nameCapacity,
                             int32_t *confidences, int32_t capacity, int32_t *status);

/// Whether `bytes` convert from charset `name` to Unicode without one unmappable or illegal sequence
/// (a sequence cut off at the end counts as fine: the sample may end inside a character).
int sicu_charset_decodes_cleanly(const char *name, const char *bytes, int32_t length);

/// A streaming decoder from a charset to UTF-8 (ICU converters). Not thread-safe.
typedef struct sicu_decoder sicu_decoder;

/// Opens a decoder from the charset `name` (any name or alias ICU's converters know) to UTF-8. NULL on
/// failure (see *status: U_FILE_ACCESS_ERROR for an unknown name).
sicu_decoder *sicu_decoder_open(const char *name, int32_t *status);

void sicu_decoder_close(sicu_decoder *decoder);

/// ICU's canonical name of the decoder's charset, e.g. "ibm-5348_P100-1997" for windows-1252.
const char *sicu_decoder_charset(const sicu_decoder *decoder, int32_t *status);

/// Converts bytes of `source` to UTF-8 into `destination`; *consumed receives how many source bytes were
/// taken (all, unless the destination filled up: then *status is a buffer overflow and the caller calls
/// again with the rest). Illegal or unmappable input becomes U+FFFD (or the charset's substitute). A
/// character cut off at the end of `source` is kept for the next call, unless `flush` is non-zero (the
/// end of the input). Returns the number of bytes written.
int32_t sicu_decoder_convert(sicu_decoder *decoder, const char *source, int32_t length, int32_t *consumed,
                             char *destination, int32_t capacity, int flush, int32_t *status);

#ifdef __cplusplus
}
#endif

#endif
