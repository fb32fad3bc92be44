// ICU calls behind the plain-C interface of include/sentiment_icu.h.
#include "sentiment_icu.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

int sicu_failed(int32_t status) { return U_FAILURE((UErrorCode)status) ? 1 : 0; }

const char *sicu_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

int32_t sicu_buffer_overflow_status(void) { return (int32_t)U_BUFFER_OVERFLOW_ERROR; }

int32_t sicu_utf8_to_utf16(const char *source, int32_t length, uint16_t *destination, int32_t capacity,
                           int32_t *substitutions, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = 0;
    *substitutions = 0;
    u_strFromUTF8WithSub((UChar *)destination, capacity, &written, source, length, 0xFFFD, substitutions,
                         &error);
    *status = (int32_t)error;
    return written;
}

static const UNormalizer2 *nfkc_instance(UErrorCode *error) { return unorm2_getNFKCInstance(error); }

int32_t sicu_nfkc_normalized_prefix(const uint16_t *source, int32_t length, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = nfkc_instance(&error);
    int32_t prefix = 0;
    if (U_SUCCESS(error)) {
        prefix = unorm2_spanQuickCheckYes(normalizer, (const UChar *)source, length, &error);
    }
    *status = (int32_t)error;
    return prefix;
}

int32_t sicu_nfkc(const uint16_t *source, int32_t length, int32_t normalizedPrefix, uint16_t *destination,
                  int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = nfkc_instance(&error);
    if (U_FAILURE(error)) {
        *status = (int32_t)error;
        return 0;
    }
    if (normalizedPrefix < 0 || normalizedPrefix > length) normalizedPrefix = 0;
    if (normalizedPrefix > capacity) {
        *status = (int32_t)U_BUFFER_OVERFLOW_ERROR;
        return length;  // a lower bound is enough: the caller grows the buffer and retries
    }
    u_memcpy((UChar *)destination, (const UChar *)source, normalizedPrefix);
    int32_t result = unorm2_normalizeSecondAndAppend(normalizer, (UChar *)destination, normalizedPrefix,
                                                     capacity, (const UChar *)source + normalizedPrefix,
                                                     length - normalizedPrefix, &error);
    *status = (int32_t)error;
    return result;
}

int32_t sicu_fold_case(const uint16_t *source, int32_t length, uint16_t *destination, int32_t capacity,
                       int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t result = u_strFoldCase((UChar *)destination, capacity, (const UChar *)source, length,
                                   U_FOLD_CASE_DEFAULT, &error);
    *status = (int32_t)error;
    return result;
}

int sicu_is_white_space(int32_t codePoint) { return u_isUWhiteSpace((UChar32)codePoint) ? 1 : 0; }

int sicu_is_alphanumeric(int32_t codePoint) {
    return (u_isUAlphabetic((UChar32)codePoint) || u_charType((UChar32)codePoint) == U_DECIMAL_DIGIT_NUMBER)
               ? 1
               : 0;
}

// The opaque handle is the ICU iterator itself.
sicu_word_breaker *sicu_word_breaker_open(const char *locale, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, locale, NULL, 0, &error);
    *status = (int32_t)error;
    if (U_FAILURE(error)) return NULL;
    return (sicu_word_breaker *)iterator;
}

sicu_word_breaker *sicu_word_breaker_clone(const sicu_word_breaker *breaker, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UBreakIterator *copy = ubrk_clone((const UBreakIterator *)breaker, &error);
    *status = (int32_t)error;
    if (U_FAILURE(error)) return NULL;
    return (sicu_word_breaker *)copy;
}

void sicu_word_breaker_close(sicu_word_breaker *breaker) {
    if (breaker != NULL) ubrk_close((UBreakIterator *)breaker);
}

void sicu_word_breaker_set_text(sicu_word_breaker *breaker, const uint16_t *text, int32_t length,
                                int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    ubrk_setText((UBreakIterator *)breaker, (const UChar *)text, length, &error);
    *status = (int32_t)error;
}

int32_t sicu_word_breaker_next(sicu_word_breaker *breaker) {
    int32_t boundary = ubrk_next((UBreakIterator *)breaker);
    return boundary == UBRK_DONE ? -1 : boundary;
}

const char *sicu_word_breaker_locale(const sicu_word_breaker *breaker, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const char *name = ubrk_getLocaleByType((const UBreakIterator *)breaker, ULOC_ACTUAL_LOCALE, &error);
    *status = (int32_t)error;
    return name;
}

// MARK: charset detection and conversion

int32_t sicu_detect_charsets(const char *bytes, int32_t length, char *names, int32_t nameCapacity,
                             int32_t *confidences, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UCharsetDetector *detector = ucsdet_open(&error);
    int32_t found = 0;
    int32_t written = 0;
    if (U_SUCCESS(error)) ucsdet_setText(detector, bytes, length, &error);
    const UCharsetMatch **matches = U_SUCCESS(error) ? ucsdet_detectAll(detector, &found, &error) : NULL;
    for (int32_t index = 0; U_SUCCESS(error) && matches != NULL && index < found && written < capacity;
         index++) {
        const char *name = ucsdet_getName(matches[index], &error);
        int32_t confidence = ucsdet_getConfidence(matches[index], &error);
        if (U_FAILURE(error) || name == NULL) break;
        char *slot = names + (size_t)written * (size_t)nameCapacity;
        strncpy(slot, name, (size_t)nameCapacity - 1);
        slot[nameCapacity - 1] = '\0';
        confidences[written++] = confidence;
    }
    if (detector != NULL) ucsdet_close(detector);
    *status = (int32_t)error;
    return written;
}

int sicu_charset_decodes_cleanly(const char *name, const char *bytes, int32_t length) {
    UErrorCode error = U_ZERO_ERROR;
    UConverter *converter = ucnv_open(name, &error);
    if (U_FAILURE(error)) return 0;
    ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &error);
    UChar pivot[4096];
    const char *source = bytes;
    const char *limit = bytes + length;
    int clean = U_SUCCESS(error);
    while (clean && source < limit) {
        UChar *target = pivot;
        error = U_ZERO_ERROR;
        ucnv_toUnicode(converter, &target, pivot + 4096, &source, limit, NULL, 0, &error);
        if (error == U_BUFFER_OVERFLOW_ERROR) continue;
        if (U_FAILURE(error)) clean = 0;
        if (U_SUCCESS(error)) break;  // all input taken (a cut-off last character stays pending)
    }
    ucnv_close(converter);
    return clean;
}

struct sicu_decoder {
    UConverter *source;
    UConverter *utf8;
    UChar pivot[8192];
    UChar *pivotSource;
    UChar *pivotTarget;
};

sicu_decoder *sicu_decoder_open(const char *name, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    sicu_decoder *decoder = calloc(1, sizeof(sicu_decoder));
    if (decoder == NULL) {
        *status = (int32_t)U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    decoder->source = ucnv_open(name, &error);
    if (U_SUCCESS(error)) decoder->utf8 = ucnv_open("UTF-8", &error);
    // ucnv_open takes "" and NULL as the platform's default charset; a name is required here.
    if (U_SUCCESS(error) && (name == NULL || name[0] == '\0')) error = U_ILLEGAL_ARGUMENT_ERROR;
    *status = (int32_t)error;
    if (U_FAILURE(error)) {
        sicu_decoder_close(decoder);
        return NULL;
    }
    decoder->pivotSource = decoder->pivot;
    decoder->pivotTarget = decoder->pivot;
    return decoder;
}

void sicu_decoder_close(sicu_decoder *decoder) {
    if (decoder == NULL) return;
    if (decoder->source != NULL) ucnv_close(decoder->source);
    if (decoder->utf8 != NULL) ucnv_close(decoder->utf8);
    free(decoder);
}

const char *sicu_decoder_charset(const sicu_decoder *decoder, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const char *name = ucnv_getName(decoder->source, &error);
    *status = (int32_t)error;
    return name;
}

int32_t sicu_decoder_convert(sicu_decoder *decoder, const char *source, int32_t length, int32_t *consumed,
                             char *destination, int32_t capacity, int flush, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const char *input = source;
    char *output = destination;
    // The pivot pointers live in the decoder, so UTF-16 held between calls is never lost.
    ucnv_convertEx(decoder->utf8, decoder->source, &output, destination + capacity, &input, source + length,
                   decoder->pivot, &decoder->pivotSource, &decoder->pivotTarget, decoder->pivot + 8192,
                   0, flush ? 1 : 0, &error);
    *consumed = (int32_t)(input - source);
    *status = (int32_t)error;
    return (int32_t)(output - destination);
}
