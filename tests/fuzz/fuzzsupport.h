#pragma once

// Shared by the libFuzzer targets and their replay runner in the normal test suite.
#include <cstdio>
#include <cstdlib>

/// A property the code promises was broken: report it and abort, so libFuzzer saves the
/// input and the replay test fails loudly.
#define RDK_FUZZ_CHECK(condition)                                                               \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)
