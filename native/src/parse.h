// The byte parsers of native/parse.ts, in C++. Same grammar, same slots, bit-identical doubles:
// the randomized test in test/native/equivalence.test.ts holds the two to that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "key_table.h"

namespace cgmeter {

// Numbered as in native/formats.ts (FileFormat); the numbers cross the JS boundary.
enum class FileFormat : int32_t {
  kSingle = 0,
  kKeyed = 1,
  kPressure = 2,
  kDeviceKeyed = 3,
  kDeviceLines = 4,
  kList = 5,
  kPair = 6,
  kLineCount = 7,
};
constexpr int32_t kFileFormatCount = 8;
constexpr size_t kPressureSlots = 8;

// A FormatSpec plus what the hot path needs precomputed (compileSpec in parse.ts).
struct CompiledSpec {
  FileFormat format;
  uint32_t max_rows;
  uint32_t key_count;
  size_t slots;  // slotCount(spec) in formats.ts
  KeyTable keys;
};

// Slots a spec fills; computed in 64 bits so that a silly maxRows cannot wrap.
uint64_t SlotCount(FileFormat format, uint64_t key_count, uint64_t max_rows);

// parseNumberToken: `max`, or -?[0-9]+(\.[0-9]+)?, else NaN; integers >= 2^62 -> +-Infinity.
double ParseNumberToken(const uint8_t* begin, const uint8_t* end);

// parseInto: fills out[0, spec.slots) from buf[0, len). Never fails: malformed parts are NaN.
void ParseInto(const CompiledSpec& spec, const uint8_t* buf, size_t len, double* out);

}  // namespace cgmeter
