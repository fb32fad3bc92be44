#include "sentiment_icu.h"
