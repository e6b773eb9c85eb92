// Built once per spec by createReader; looked up once per key token.
#include "key_table.h"

#include <cstring>

namespace cgmeter {
namespace {

// FNV-1a, as parse.ts's hashBytes (only the lookup result must agree, not the hash).
uint32_t HashBytes(const uint8_t* p, const uint8_t* end) {
  uint32_t h = 2166136261u;
  for (; p < end; p++) h = (h ^ *p) * 16777619u;
  return h;
}

}  // namespace

KeyTable::KeyTable(const std::vector<std::string>& keys) {
  uint32_t capacity = 8;
  while (capacity < keys.size() * 2) capacity <<= 1;  // load factor <= 1/2
  slots_.assign(capacity, Slot{0, 0, 0, -1});
  mask_ = capacity - 1;
  for (size_t index = 0; index < keys.size(); index++) {
    const auto* b = reinterpret_cast<const uint8_t*>(keys[index].data());
    const auto* e = b + keys[index].size();
    if (Lookup(b, e) >= 0) continue;  // a duplicate: the first index keeps the key
    const uint32_t hash = HashBytes(b, e);
    uint32_t at = hash & mask_;
    while (slots_[at].index >= 0) at = (at + 1) & mask_;
    slots_[at] = Slot{hash, static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(keys[index].size()),
                      static_cast<int32_t>(index)};
    bytes_.append(keys[index]);
  }
}

int32_t KeyTable::Lookup(const uint8_t* begin, const uint8_t* end) const {
  const uint32_t hash = HashBytes(begin, end);
  const size_t length = static_cast<size_t>(end - begin);
  for (uint32_t at = hash & mask_;; at = (at + 1) & mask_) {
    const Slot& slot = slots_[at];
    if (slot.index < 0) return -1;
    if (slot.hash == hash && slot.length == length && memcmp(bytes_.data() + slot.offset, begin, length) == 0) {
      return slot.index;
    }
  }
}

}  // namespace cgmeter
