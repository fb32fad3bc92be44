#ifndef SENTIMENT_ICU_H
#define SENTIMENT_ICU_H
#endif
