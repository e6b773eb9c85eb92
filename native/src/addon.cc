// The addon's JavaScript face: createReader(specs) -> { kind: 'native', readAll(...) }.
// This layer is the "JS side" of the addon (native/index.ts loads the .node file directly, so
// there is no .js wrapper): it turns every bad call shape into a TypeError or RangeError that
// says what was wrong, so that BatchCore can treat a bad shape as impossible.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parse.h"
#include "reader.h"

namespace cgmeter {
namespace {

// Bounds on what a spec may ask for; far above any cgroup file, far below overflow.
constexpr uint32_t kMaxKeys = 1u << 16;
constexpr uint64_t kMaxSlots = INT32_MAX;  // slot offsets are Int32

std::string Describe(Napi::Value value) {
  if (value.IsTypedArray()) {
    switch (value.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array: return "Int8Array";
      case napi_uint8_array: return "Uint8Array";
      case napi_uint8_clamped_array: return "Uint8ClampedArray";
      case napi_int16_array: return "Int16Array";
      case napi_uint16_array: return "Uint16Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint32_array: return "Uint32Array";
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_bigint64_array: return "BigInt64Array";
      case napi_biguint64_array: return "BigUint64Array";
      default: return "a typed array";
    }
  }
  if (value.IsArray()) return "an Array";
  if (value.IsNull()) return "null";
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_boolean: return "a boolean";
    case napi_number: return "the number " + value.ToString().Utf8Value();
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return "an object";
  }
}

// Value or nullopt-like: returns false with a pending JS exception.
bool Fail(Napi::Env env, bool range, const std::string& message) {
  if (range) {
    Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
  } else {
    Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  }
  return false;
}

// A non-negative integer Number no larger than `limit`.
bool ToCount(Napi::Env env, Napi::Value value, const std::string& name, double limit, uint64_t* result) {
  if (!value.IsNumber()) return Fail(env, false, name + " must be a number, got " + Describe(value));
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d != std::floor(d) || d > limit) {
    return Fail(env, true, name + " must be an integer from 0 to " + std::to_string(static_cast<uint64_t>(limit)) +
                               ", got " + value.ToString().Utf8Value());
  }
  *result = static_cast<uint64_t>(d);
  return true;
}

// Latin-1 bytes of a JS string, as Buffer.from(key, 'latin1') makes them in parse.ts.
std::string Latin1(napi_env env, napi_value value) {
  size_t length = 0;
  napi_get_value_string_latin1(env, value, nullptr, 0, &length);
  std::string bytes(length + 1, '\0');
  napi_get_value_string_latin1(env, value, bytes.data(), bytes.size(), &length);
  bytes.resize(length);
  return bytes;
}

// specs[i] -> CompiledSpec, or false with a pending exception.
bool CompileSpec(Napi::Env env, Napi::Value value, uint32_t i, std::vector<CompiledSpec>* specs) {
  const std::string name = "createReader: specs[" + std::to_string(i) + "]";
  if (!value.IsObject() || value.IsArray()) {
    return Fail(env, false, name + " must be a FormatSpec {format, keys, maxRows}, got " + Describe(value));
  }
  Napi::Object spec = value.As<Napi::Object>();
  Napi::Value format_value = spec.Get("format");
  Napi::Value keys_value = spec.Get("keys");
  Napi::Value rows_value = spec.Get("maxRows");
  if (env.IsExceptionPending()) return false;  // a throwing getter
  uint64_t format = 0;
  uint64_t max_rows = 0;
  if (!ToCount(env, format_value, name + ".format (a FileFormat)", kFileFormatCount - 1, &format)) return false;
  if (!ToCount(env, rows_value, name + ".maxRows", UINT32_MAX, &max_rows)) return false;
  if (!keys_value.IsArray()) return Fail(env, false, name + ".keys must be an array of strings, got " + Describe(keys_value));
  Napi::Array keys_array = keys_value.As<Napi::Array>();
  if (keys_array.Length() > kMaxKeys) {
    return Fail(env, true, name + ".keys has " + std::to_string(keys_array.Length()) + " keys, more than " +
                               std::to_string(kMaxKeys));
  }
  std::vector<std::string> keys;
  keys.reserve(keys_array.Length());
  for (uint32_t k = 0; k < keys_array.Length(); k++) {
    Napi::Value key = keys_array.Get(k);
    if (env.IsExceptionPending()) return false;
    if (!key.IsString()) {
      return Fail(env, false, name + ".keys[" + std::to_string(k) + "] must be a string, got " + Describe(key));
    }
    keys.push_back(Latin1(env, key));
  }
  const auto file_format = static_cast<FileFormat>(format);
  const uint64_t slots = SlotCount(file_format, keys.size(), max_rows);
  if (slots > kMaxSlots) {
    return Fail(env, true, name + " fills " + std::to_string(slots) + " slots; at most 2^31 - 1 fit (lower maxRows)");
  }
  specs->push_back(CompiledSpec{file_format, static_cast<uint32_t>(max_rows), static_cast<uint32_t>(keys.size()),
                                static_cast<size_t>(slots), KeyTable(keys)});
  return true;
}

struct View {
  void* data = nullptr;
  size_t length = 0;  // elements
  size_t bytes = 0;
};

bool GetTypedArray(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type want, const char* want_name,
                   const char* name, View* view) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != want) {
    return Fail(info.Env(), false, std::string("readAll: ") + name + " must be " + want_name + ", got " + Describe(value));
  }
  napi_typedarray_type type;
  napi_value buffer;
  size_t byte_offset;
  // data comes back adjusted by byteOffset: it points at element 0.
  napi_get_typedarray_info(info.Env(), value, &type, &view->length, &view->data, &buffer, &byte_offset);
  view->bytes = view->length * (want == napi_float64_array ? sizeof(double) : sizeof(int32_t));
  return true;
}

bool Overlap(const View& a, const View& b) {
  if (a.bytes == 0 || b.bytes == 0) return false;
  const auto a0 = reinterpret_cast<uintptr_t>(a.data);
  const auto b0 = reinterpret_cast<uintptr_t>(b.data);
  return a0 < b0 + b.bytes && b0 < a0 + a.bytes;
}

Napi::Value ReadAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* core = static_cast<BatchCore*>(info.Data());
  if (info.Length() != 6) {
    Fail(env, false, "readAll(fds, specIds, slotOffsets, out, errnos, count) takes 6 arguments, got " +
                         std::to_string(info.Length()));
    return env.Undefined();
  }
  View fds, spec_ids, offsets, out, errnos;
  uint64_t count = 0;
  if (!GetTypedArray(info, 0, napi_int32_array, "an Int32Array", "fds", &fds) ||
      !GetTypedArray(info, 1, napi_int32_array, "an Int32Array", "specIds", &spec_ids) ||
      !GetTypedArray(info, 2, napi_int32_array, "an Int32Array", "slotOffsets", &offsets) ||
      !GetTypedArray(info, 3, napi_float64_array, "a Float64Array", "out", &out) ||
      !GetTypedArray(info, 4, napi_int32_array, "an Int32Array", "errnos", &errnos) ||
      !ToCount(env, info[5], "readAll: count", UINT32_MAX, &count)) {
    return env.Undefined();
  }
  const std::pair<const char*, const View*> inputs[] = {
      {"fds", &fds}, {"specIds", &spec_ids}, {"slotOffsets", &offsets}, {"errnos", &errnos}};
  for (const auto& [name, view] : inputs) {
    if (count > view->length) {
      Fail(env, true, "readAll: count " + std::to_string(count) + " exceeds " + name + ".length " +
                          std::to_string(view->length));
      return env.Undefined();
    }
  }
  // The reader writes out and errnos while it reads the other three: no write may land in an
  // array still to be read (or in the other output).
  const std::pair<const char*, const View*> shared[] = {
      {"fds", &fds}, {"specIds", &spec_ids}, {"slotOffsets", &offsets}, {"errnos", &errnos}};
  for (const auto& [name, view] : shared) {
    if (Overlap(out, *view)) {
      Fail(env, true, std::string("readAll: out shares memory with ") + name + "; the outputs must not overlap any argument");
      return env.Undefined();
    }
    if (view != &errnos && Overlap(errnos, *view)) {
      Fail(env, true, std::string("readAll: errnos shares memory with ") + name + "; the outputs must not overlap any argument");
      return env.Undefined();
    }
  }
  const auto* ids = static_cast<const int32_t*>(spec_ids.data);
  const auto* slot_offsets = static_cast<const int32_t*>(offsets.data);
  for (size_t i = 0; i < count; i++) {
    const int32_t id = ids[i];
    if (id < 0 || static_cast<size_t>(id) >= core->spec_count()) {
      Fail(env, true, "readAll: specIds[" + std::to_string(i) + "] = " + std::to_string(id) + " names no registered spec (" +
                          std::to_string(core->spec_count()) + " registered)");
      return env.Undefined();
    }
    const int64_t offset = slot_offsets[i];
    const uint64_t slots = core->spec(id).slots;
    if (offset < 0 || static_cast<uint64_t>(offset) + slots > out.length) {
      Fail(env, true, "readAll: slotOffsets[" + std::to_string(i) + "] = " + std::to_string(offset) + " with " +
                          std::to_string(slots) + " slots for spec " + std::to_string(id) + " runs past out.length " +
                          std::to_string(out.length));
      return env.Undefined();
    }
  }
  const Batch batch{static_cast<const int32_t*>(fds.data), ids, slot_offsets, static_cast<double*>(out.data), out.length,
                    static_cast<int32_t*>(errnos.data), static_cast<size_t>(count)};
  return Napi::Number::New(env, core->ReadAll(batch));
}

// createReader(specs): copies and compiles the spec table once; the reader owns it.
Napi::Value CreateReader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) {
    Fail(env, false, "createReader(specs): specs must be an array of FormatSpec, got " +
                         (info.Length() < 1 ? std::string("nothing") : Describe(info[0])));
    return env.Undefined();
  }
  Napi::Array array = info[0].As<Napi::Array>();
  std::vector<CompiledSpec> specs;
  specs.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value value = array.Get(i);
    if (env.IsExceptionPending() || !CompileSpec(env, value, i, &specs)) return env.Undefined();
  }
  auto* core = new BatchCore(std::move(specs));
  // The function owns the core (not the reader object): a detached `const { readAll } = reader`
  // must stay valid for as long as the function itself is reachable.
  Napi::Function read_all = Napi::Function::New(env, ReadAll, "readAll", core);
  read_all.AddFinalizer([](Napi::Env, BatchCore* owned) { delete owned; }, core);
  Napi::Object reader = Napi::Object::New(env);
  reader.DefineProperties({
      Napi::PropertyDescriptor::Value("kind", Napi::String::New(env, "native"), napi_enumerable),
      Napi::PropertyDescriptor::Value("readAll", read_all, napi_enumerable),
  });
  return reader;
}

}  // namespace
}  // namespace cgmeter

// NODE_API_MODULE pastes the name into an identifier, so the init function lives out here.
static Napi::Object InitCgmeterNative(Napi::Env env, Napi::Object exports) {
  exports.Set("createReader", Napi::Function::New(env, cgmeter::CreateReader, "createReader"));
  exports.Set("maxFileBytes", Napi::Number::New(env, static_cast<double>(cgmeter::kMaxFileBytes)));
  return exports;
}

NODE_API_MODULE(cgmeter_native, InitCgmeterNative)
