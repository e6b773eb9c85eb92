// The batch reader's core: cached fds read whole from offset 0 into one reused buffer, parsed
// straight into caller-owned slots. Knows nothing of JavaScript; addon.cc validates the call
// shape before anything reaches here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "parse.h"

namespace cgmeter {

// As native/fallback.ts: start at 64 KiB, double, refuse (EFBIG) at 16 MiB.
constexpr size_t kInitialBufferBytes = 64 * 1024;
constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;

// One readAll call's arrays, already checked: every index < count is in range of its array.
struct Batch {
  const int32_t* fds;
  const int32_t* spec_ids;
  const int32_t* slot_offsets;
  double* out;
  size_t out_length;
  int32_t* errnos;
  size_t count;
};

class BatchCore {
 public:
  explicit BatchCore(std::vector<CompiledSpec> specs);

  size_t spec_count() const { return specs_.size(); }
  const CompiledSpec& spec(size_t id) const { return specs_[id]; }

  // Reads and parses every file of the batch; returns the number of failed files.
  uint32_t ReadAll(const Batch& batch);

 private:
  // Reads fd whole from offset 0 into buffer_; the length, or -errno.
  int64_t ReadWhole(int fd);

  std::vector<CompiledSpec> specs_;
  std::unique_ptr<uint8_t, decltype(&std::free)> buffer_;
  size_t capacity_;
};

}  // namespace cgmeter
