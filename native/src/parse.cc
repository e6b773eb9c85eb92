// Mirrors native/parse.ts function by function (same names, lower camel -> Pascal), so that a
// change to the grammar is easy to make in both. Tokens are separated by runs of ' ' or '\t',
// lines by '\n'. No allocation anywhere on this path.
#include "parse.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace cgmeter {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kUnlimitedThreshold = 4611686018427387904.0;  // 2^62, formats.ts
constexpr uint64_t kDevnoMinorSpan = uint64_t{1} << 20;         // DEVNO_MINOR_SPAN

inline bool IsSep(uint8_t c) { return c == ' ' || c == '\t'; }
inline bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }

inline const uint8_t* SkipSeps(const uint8_t* p, const uint8_t* end) {
  while (p < end && IsSep(*p)) p++;
  return p;
}
inline const uint8_t* SkipToken(const uint8_t* p, const uint8_t* end) {
  while (p < end && !IsSep(*p)) p++;
  return p;
}
inline const uint8_t* LineEnd(const uint8_t* p, const uint8_t* end) {
  const void* nl = memchr(p, '\n', static_cast<size_t>(end - p));
  return nl ? static_cast<const uint8_t*>(nl) : end;
}

// The start of the next line; never past `end` (a pointer beyond one-past-the-end is UB).
inline const uint8_t* NextLine(const uint8_t* line_end, const uint8_t* end) {
  return line_end < end ? line_end + 1 : end;
}

// A fraction `-?[0-9]+\.[0-9]+`, correctly rounded like JS Number() (V8) and strtod.
// from_chars is locale-free and exact (libstdc++ >= 12 uses fast_float with a big-decimal
// fallback), but on overflow/underflow it reports out_of_range and leaves the value alone, where
// Number() gives +-Infinity / +-0: decide which from the digits.
double ParseFraction(const uint8_t* begin, const uint8_t* end) {
  const char* first = reinterpret_cast<const char*>(begin);
  const char* last = reinterpret_cast<const char*>(end);
  double value = 0;
  std::from_chars_result r = std::from_chars(first, last, value, std::chars_format::fixed);
  const bool negative = *begin == '-';
  if (r.ec == std::errc::result_out_of_range) {
    bool nonzero_integer = false;
    for (const uint8_t* p = begin + (negative ? 1 : 0); p < end && *p != '.'; p++) {
      if (*p != '0') nonzero_integer = true;
    }
    value = nonzero_integer ? kInf : 0.0;
    return negative ? -value : value;
  }
  // The caller checked the syntax, so anything else than a whole-token parse is a broken invariant;
  // NaN is the honest slot value should libstdc++ ever disagree.
  if (r.ec != std::errc() || r.ptr != last) return kNaN;
  return value;
}

// DEVNO `MAJ:MIN` in [p, end) -> major * 2^20 + minor, or -1 (parseDevno).
int64_t ParseDevno(const uint8_t* p, const uint8_t* end) {
  uint64_t major = 0;
  int major_digits = 0;
  while (p < end && IsDigit(*p)) {
    major = major * 10 + (*p - '0');
    p++;
    major_digits++;
  }
  if (major_digits == 0 || major_digits > 9 || p >= end || *p != ':') return -1;
  p++;
  uint64_t minor = 0;
  int minor_digits = 0;
  while (p < end && IsDigit(*p)) {
    minor = minor * 10 + (*p - '0');
    p++;
    minor_digits++;
  }
  if (minor_digits == 0 || minor_digits > 9 || p != end || minor >= kDevnoMinorSpan) return -1;
  return static_cast<int64_t>(major * kDevnoMinorSpan + minor);
}

// PRESSURE_KEYS: avg10, avg60, avg300, total -> 0..3.
int32_t PressureKey(const uint8_t* p, const uint8_t* end) {
  const size_t n = static_cast<size_t>(end - p);
  if (n == 5 && memcmp(p, "avg10", 5) == 0) return 0;
  if (n == 5 && memcmp(p, "avg60", 5) == 0) return 1;
  if (n == 6 && memcmp(p, "avg300", 6) == 0) return 2;
  if (n == 5 && memcmp(p, "total", 5) == 0) return 3;
  return -1;
}

// `k=v` tokens in [p, end) into out[key index] (parseAssignments). Works for any lookup.
template <typename Lookup>
void ParseAssignments(Lookup lookup, const uint8_t* p, const uint8_t* end, double* out) {
  while (p < end) {
    p = SkipSeps(p, end);
    const uint8_t* token = p;
    p = SkipToken(p, end);
    const uint8_t* eq = token;
    while (eq < p && *eq != '=') eq++;
    if (eq < p && eq > token) {
      const int32_t index = lookup(token, eq);
      if (index >= 0) out[index] = ParseNumberToken(eq + 1, p);
    }
  }
}

void ParseTokens(const CompiledSpec& spec, const uint8_t* p, const uint8_t* end, double* out) {
  const uint64_t wanted = spec.format == FileFormat::kSingle ? 1
                          : spec.format == FileFormat::kPair ? 2
                                                             : spec.max_rows;
  double* base = spec.format == FileFormat::kList ? out + 1 : out;
  uint64_t kept = 0;
  while (p < end && kept < wanted) {
    while (p < end && (IsSep(*p) || *p == '\n')) p++;
    if (p >= end) break;
    const uint8_t* token = p;
    while (p < end && !IsSep(*p) && *p != '\n') p++;
    base[kept++] = ParseNumberToken(token, p);
  }
  if (spec.format == FileFormat::kList) out[0] = static_cast<double>(kept);
}

double CountLines(const uint8_t* p, const uint8_t* end) {
  uint64_t lines = 0;
  bool saw_content = false;
  for (; p < end; p++) {
    if (*p == '\n') {
      if (saw_content) lines++;
      saw_content = false;
    } else if (!IsSep(*p)) {
      saw_content = true;
    }
  }
  if (saw_content) lines++;
  return static_cast<double>(lines);
}

void ParseKeyed(const CompiledSpec& spec, const uint8_t* p, const uint8_t* end, double* out) {
  while (p < end) {
    const uint8_t* line_end = LineEnd(p, end);
    const uint8_t* key = SkipSeps(p, line_end);
    const uint8_t* q = SkipToken(key, line_end);
    if (q > key) {
      const int32_t index = spec.keys.Lookup(key, q);
      if (index >= 0) {
        const uint8_t* value = SkipSeps(q, line_end);
        out[index] = ParseNumberToken(value, SkipToken(value, line_end));
      }
    }
    p = NextLine(line_end, end);
  }
}

void ParsePressure(const uint8_t* p, const uint8_t* end, double* out) {
  while (p < end) {
    const uint8_t* line_end = LineEnd(p, end);
    const uint8_t* kind = SkipSeps(p, line_end);
    const uint8_t* q = SkipToken(kind, line_end);
    double* base = nullptr;
    if (q - kind == 4 && memcmp(kind, "some", 4) == 0) base = out;
    if (q - kind == 4 && memcmp(kind, "full", 4) == 0) base = out + 4;
    if (base != nullptr) ParseAssignments(PressureKey, q, line_end, base);
    p = NextLine(line_end, end);
  }
}

void ParseDeviceTable(const CompiledSpec& spec, const uint8_t* p, const uint8_t* end, double* out) {
  const size_t row_width = 1 + spec.key_count;
  uint32_t rows = 0;
  out[0] = 0;
  auto lookup = [&spec](const uint8_t* b, const uint8_t* e) { return spec.keys.Lookup(b, e); };
  while (p < end) {
    const uint8_t* line_end = LineEnd(p, end);
    const uint8_t* dev = SkipSeps(p, line_end);
    const uint8_t* q = SkipToken(dev, line_end);
    const int64_t devno = ParseDevno(dev, q);
    if (devno >= 0) {
      const double devno_value = static_cast<double>(devno);
      double* row = nullptr;
      // Rows are found by their device number in the slots already written, as parse.ts does.
      for (uint32_t r = 0; r < rows; r++) {
        if (out[1 + r * row_width] == devno_value) {
          row = out + 1 + r * row_width;
          break;
        }
      }
      if (row == nullptr && rows < spec.max_rows) {
        row = out + 1 + rows * row_width;
        rows++;
        row[0] = devno_value;
      }
      if (row != nullptr) {
        double* values = row + 1;
        if (spec.format == FileFormat::kDeviceKeyed) {
          ParseAssignments(lookup, q, line_end, values);
        } else {
          const uint8_t* key = SkipSeps(q, line_end);
          const uint8_t* key_end = SkipToken(key, line_end);
          const int32_t index = spec.keys.Lookup(key, key_end);
          if (index >= 0) {
            const uint8_t* value = SkipSeps(key_end, line_end);
            values[index] = ParseNumberToken(value, SkipToken(value, line_end));
          }
        }
      }
    }
    p = NextLine(line_end, end);
  }
  out[0] = rows;
}

}  // namespace

uint64_t SlotCount(FileFormat format, uint64_t key_count, uint64_t max_rows) {
  switch (format) {
    case FileFormat::kSingle:
    case FileFormat::kLineCount:
      return 1;
    case FileFormat::kPair:
      return 2;
    case FileFormat::kKeyed:
      return key_count;
    case FileFormat::kPressure:
      return kPressureSlots;
    case FileFormat::kDeviceKeyed:
    case FileFormat::kDeviceLines:
      return 1 + max_rows * (1 + key_count);
    case FileFormat::kList:
      return 1 + max_rows;
  }
  return 0;
}

double ParseNumberToken(const uint8_t* begin, const uint8_t* end) {
  const size_t length = static_cast<size_t>(end - begin);
  if (length == 0) return kNaN;
  if (length == 3 && begin[0] == 'm' && begin[1] == 'a' && begin[2] == 'x') return kInf;
  const uint8_t* p = begin;
  const bool negative = *p == '-';
  if (negative) p++;
  const uint8_t* digits = p;
  while (p < end && IsDigit(*p)) p++;
  const uint8_t* digits_end = p;
  if (digits_end == digits) return kNaN;
  if (p < end) {
    // Only a fraction may follow: `.[0-9]+` then the end of the token.
    if (*p != '.') return kNaN;
    p++;
    const uint8_t* fraction = p;
    while (p < end && IsDigit(*p)) p++;
    if (p == fraction || p != end) return kNaN;
    return ParseFraction(begin, end);  // no 2^62 rule: only integers are sentinels (parse.ts)
  }
  // An exact integer, converted once: (double)uint64 rounds to nearest like Number(text) does.
  // More than 19 significant digits is >= 10^19 > 2^62, unlimited whatever the rest.
  while (digits < digits_end - 1 && *digits == '0') digits++;
  double value;
  if (digits_end - digits > 19) {
    value = kInf;
  } else {
    uint64_t exact = 0;
    for (const uint8_t* d = digits; d < digits_end; d++) exact = exact * 10 + (*d - '0');
    value = static_cast<double>(exact);
  }
  if (value >= kUnlimitedThreshold) return negative ? -kInf : kInf;
  return negative ? -value : value;
}

void ParseInto(const CompiledSpec& spec, const uint8_t* buf, size_t len, double* out) {
  std::fill(out, out + spec.slots, kNaN);
  const uint8_t* end = buf + len;
  switch (spec.format) {
    case FileFormat::kSingle:
    case FileFormat::kPair:
    case FileFormat::kList:
      ParseTokens(spec, buf, end, out);
      return;
    case FileFormat::kLineCount:
      out[0] = CountLines(buf, end);
      return;
    case FileFormat::kKeyed:
      ParseKeyed(spec, buf, end, out);
      return;
    case FileFormat::kPressure:
      ParsePressure(buf, end, out);
      return;
    case FileFormat::kDeviceKeyed:
    case FileFormat::kDeviceLines:
      ParseDeviceTable(spec, buf, end, out);
      return;
  }
}

}  // namespace cgmeter
