// Spec keys, matched against key tokens in the hot loop without allocating.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cgmeter {

// Key bytes -> index of the first key with those bytes (parse.ts's lookupKey returns the first
// of duplicate keys, so a later duplicate's slot stays NaN here too). Open addressing over an
// FNV-1a hash, built once per spec; lookups allocate nothing.
class KeyTable {
 public:
  explicit KeyTable(const std::vector<std::string>& keys);
  // -1 when [begin, end) is no key.
  int32_t Lookup(const uint8_t* begin, const uint8_t* end) const;

 private:
  struct Slot {
    uint32_t hash;
    uint32_t offset;  // into bytes_
    uint32_t length;
    int32_t index;  // -1 = empty slot
  };
  std::string bytes_;  // all distinct keys, concatenated
  std::vector<Slot> slots_;
  uint32_t mask_ = 0;
};

}  // namespace cgmeter
