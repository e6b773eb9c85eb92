// One pass over the batch: pread, parse, next. The only allocation after construction is the
// buffer growing for a file larger than any seen before (kept, like the fallback's).
#include "reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <utility>

namespace cgmeter {

BatchCore::BatchCore(std::vector<CompiledSpec> specs)
    : specs_(std::move(specs)),
      buffer_(static_cast<uint8_t*>(std::malloc(kInitialBufferBytes)), &std::free),
      capacity_(buffer_ ? kInitialBufferBytes : 0) {}

int64_t BatchCore::ReadWhole(int fd) {
  size_t length = 0;
  for (;;) {
    if (length == capacity_) {
      // Full (or never allocated): the file may go on. Same limit and growth as fallback.ts.
      if (capacity_ >= kMaxFileBytes) return -EFBIG;
      const size_t bigger = capacity_ == 0 ? kInitialBufferBytes : capacity_ * 2;
      void* grown = std::realloc(buffer_.get(), bigger);
      if (grown == nullptr) return -ENOMEM;
      buffer_.release();
      buffer_.reset(static_cast<uint8_t*>(grown));
      capacity_ = bigger;
    }
    const ssize_t n = pread(fd, buffer_.get() + length, capacity_ - length, static_cast<off_t>(length));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -static_cast<int64_t>(errno);
    }
    if (n == 0) return static_cast<int64_t>(length);
    length += static_cast<size_t>(n);
    // Kernel files answer whole in one read when the buffer is large enough: a short read is
    // the end, which saves the extra read() per file that looping to EOF would cost.
    if (length < capacity_) return static_cast<int64_t>(length);
  }
}

uint32_t BatchCore::ReadAll(const Batch& batch) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  uint32_t failures = 0;
  for (size_t i = 0; i < batch.count; i++) {
    // Read each index once into a local, and bound-check it here too: addon.cc already did, but
    // a SharedArrayBuffer can change under us, and this loop must never write out of bounds.
    const int32_t spec_id = batch.spec_ids[i];
    const int32_t offset = batch.slot_offsets[i];
    if (spec_id < 0 || static_cast<size_t>(spec_id) >= specs_.size() || offset < 0 ||
        static_cast<size_t>(offset) > batch.out_length ||
        specs_[spec_id].slots > batch.out_length - static_cast<size_t>(offset)) {
      batch.errnos[i] = EINVAL;
      failures++;
      continue;
    }
    const CompiledSpec& spec = specs_[spec_id];
    double* slots = batch.out + offset;
    const int64_t length = ReadWhole(batch.fds[i]);
    if (length < 0) {
      batch.errnos[i] = static_cast<int32_t>(-length);
      std::fill(slots, slots + spec.slots, kNaN);
      failures++;
      continue;
    }
    batch.errnos[i] = 0;
    ParseInto(spec, buffer_.get(), static_cast<size_t>(length), slots);
  }
  return failures;
}

}  // namespace cgmeter
