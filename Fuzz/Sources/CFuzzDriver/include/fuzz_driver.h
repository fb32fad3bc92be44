#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, LLVM 13 and later): parses libFuzzer's options from argv and fuzzes
/// `callback`. A target's main.swift calls it, because SwiftPM gives every executable its own entry
/// point and so libFuzzer's main() would never run.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
