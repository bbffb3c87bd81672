#include "gateway/transcoding/request_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "platform/base/errors.h"
#include "platform/base/log.h"

namespace crm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

using Violations = std::vector<platform::FieldViolation>;

// A client that sends thousands of bad fields gets the first few; the error stays small.
constexpr size_t kMaxViolations = 20;

void Add(Violations* out, std::string field, std::string description) {
  if (out->size() < kMaxViolations) out->push_back({std::move(field), std::move(description)});
}

absl::Status RouteError(absl::string_view what) {
  platform::LogError("transcoding route does not fit its request type",
                     {{"detail", std::string(what)}});
  return platform::Error(absl::StatusCode::kInternal, platform::kReasonInternal,
                         "the route does not fit its request type");
}

google::protobuf::StringPiece Piece(absl::string_view s) { return {s.data(), s.size()}; }

// ---------------------------------------------------------------------------------------------
// Text checks.

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// Strict RFC 8259 syntax with a depth bound. protobuf 3.21's parser is lenient (it takes
// trailing commas, single quotes and unquoted keys) and fails deep input with an unreadable
// message, so the body is checked here first.
class JsonSyntax {
 public:
  enum class Result { kOk, kInvalid, kTooDeep };

  static Result Check(absl::string_view text, int max_depth) {
    JsonSyntax scan(text, max_depth);
    scan.SkipSpace();
    bool ok = scan.Value();
    scan.SkipSpace();
    if (scan.too_deep_) return Result::kTooDeep;
    return ok && scan.pos_ == text.size() ? Result::kOk : Result::kInvalid;
  }

 private:
  JsonSyntax(absl::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c || AtEnd()) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      ++pos_;
    }
  }

  bool Value() {
    switch (Peek()) {
      case '{':
        return Container('{', '}', /*keyed=*/true);
      case '[':
        return Container('[', ']', /*keyed=*/false);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  bool Container(char open, char close, bool keyed) {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    Consume(open);
    SkipSpace();
    if (Consume(close)) {
      --depth_;
      return true;
    }
    while (true) {
      if (keyed) {
        if (!String()) return false;
        SkipSpace();
        if (!Consume(':')) return false;
        SkipSpace();
      }
      if (!Value()) return false;
      SkipSpace();
      if (Consume(close)) break;
      if (!Consume(',')) return false;
      SkipSpace();
    }
    --depth_;
    return true;
  }

  bool String() {
    if (!Consume('"')) return false;
    while (!AtEnd()) {
      unsigned char c = text_[pos_++];
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (AtEnd()) return false;
      char e = text_[pos_++];
      if (e == 'u') {
        for (int i = 0; i < 4; ++i) {
          if (AtEnd() || !absl::ascii_isxdigit(text_[pos_++])) return false;
        }
      } else if (!absl::StrContains("\"\\/bfnrt", e)) {
        return false;
      }
    }
    return false;
  }

  bool Literal(absl::string_view word) {
    if (!absl::StartsWith(text_.substr(pos_), word)) return false;
    pos_ += word.size();
    return true;
  }

  bool Digits() {
    size_t start = pos_;
    while (!AtEnd() && absl::ascii_isdigit(Peek())) ++pos_;
    return pos_ > start;
  }

  bool Number() {
    Consume('-');
    if (Peek() == '0') {
      ++pos_;
    } else if (!Digits()) {
      return false;
    }
    if (Consume('.') && !Digits()) return false;
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!Digits()) return false;
    }
    return true;
  }

  absl::string_view text_;
  int max_depth_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool too_deep_ = false;
};

// ---------------------------------------------------------------------------------------------
// Fields and the well-known types.

// Types whose JSON form is not an object of their fields.
enum class Wkt { kNone, kWrapper, kTimestamp, kDuration, kFieldMask, kStruct, kValue, kList, kAny };

Wkt WktOf(const Descriptor* type) {
  static const auto* kKinds = new std::map<std::string, Wkt, std::less<>>{
      {"google.protobuf.DoubleValue", Wkt::kWrapper},
      {"google.protobuf.FloatValue", Wkt::kWrapper},
      {"google.protobuf.Int64Value", Wkt::kWrapper},
      {"google.protobuf.UInt64Value", Wkt::kWrapper},
      {"google.protobuf.Int32Value", Wkt::kWrapper},
      {"google.protobuf.UInt32Value", Wkt::kWrapper},
      {"google.protobuf.BoolValue", Wkt::kWrapper},
      {"google.protobuf.StringValue", Wkt::kWrapper},
      {"google.protobuf.BytesValue", Wkt::kWrapper},
      {"google.protobuf.Timestamp", Wkt::kTimestamp},
      {"google.protobuf.Duration", Wkt::kDuration},
      {"google.protobuf.FieldMask", Wkt::kFieldMask},
      {"google.protobuf.Struct", Wkt::kStruct},
      {"google.protobuf.Value", Wkt::kValue},
      {"google.protobuf.ListValue", Wkt::kList},
      {"google.protobuf.Any", Wkt::kAny},
  };
  auto it = kKinds->find(type->full_name());
  return it == kKinds->end() ? Wkt::kNone : it->second;
}

// A field that one text value can set: a scalar, an enum, or a message with a string-like JSON
// form.
bool TakesText(const FieldDescriptor* f) {
  if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return true;
  switch (WktOf(f->message_type())) {
    case Wkt::kWrapper:
    case Wkt::kTimestamp:
    case Wkt::kDuration:
    case Wkt::kFieldMask:
      return true;
    default:
      return false;
  }
}

// An ordinary message: its JSON form is an object of its fields, so names may descend into it.
bool IsPlainMessage(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() &&
         WktOf(f->message_type()) == Wkt::kNone;
}

// Like protobuf's JSON parser: the JSON name or the proto name.
const FieldDescriptor* FindField(const Descriptor* type, absl::string_view name) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->json_name() == name || f->name() == name) return f;
  }
  return nullptr;
}

std::string Join(absl::string_view path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

std::string EnumChoices(const FieldDescriptor* f) {
  const auto* type = f->enum_type();
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count() && names.size() < 20; ++i) {
    // The zero "not set" value is no choice a client should make.
    const auto* value = type->value(i);
    if (value->number() == 0 && absl::EndsWith(value->name(), "_UNSPECIFIED")) continue;
    names.push_back(value->name());
  }
  if (type->value_count() > 20) names.push_back("...");
  return absl::StrCat("must be one of ", absl::StrJoin(names, ", "));
}

const char* TypeName(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return "int32";
    case FieldDescriptor::CPPTYPE_INT64:
      return "int64";
    case FieldDescriptor::CPPTYPE_UINT32:
      return "uint32";
    case FieldDescriptor::CPPTYPE_UINT64:
      return "uint64";
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "float";
    default:
      return "double";
  }
}

std::string WktDescription(Wkt kind) {
  switch (kind) {
    case Wkt::kTimestamp:
      return "must be an RFC 3339 time such as \"2024-05-01T12:00:00Z\"";
    case Wkt::kDuration:
      return "must be a duration in seconds such as \"1.5s\"";
    case Wkt::kFieldMask:
      return "must be a comma-separated list of field names";
    case Wkt::kStruct:
      return "must be a JSON object";
    case Wkt::kList:
      return "must be a JSON array";
    case Wkt::kAny:
      return "must be an object with an \"@type\"";
    default:
      return "has an invalid value";
  }
}

// ---------------------------------------------------------------------------------------------
// Text values (query parameters and path captures), converted by the field's type.

bool IsDecimal(absl::string_view s) {
  if (absl::ConsumePrefix(&s, "-") && s.empty()) return false;
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

// Integers as decimal text; "" when `text` fits the field's type, else the description.
std::string ParseInteger(const FieldDescriptor* f, absl::string_view text, int64_t* as_signed,
                         uint64_t* as_unsigned) {
  if (!IsDecimal(text)) return "must be an integer";
  std::string out_of_range = absl::StrCat("is out of range for ", TypeName(f));
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return out_of_range;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT32 &&
          (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
        return out_of_range;
      }
      *as_signed = v;
      return "";
    }
    default: {
      uint64_t v;
      if (text[0] == '-' || !absl::SimpleAtoi(text, &v)) return out_of_range;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_UINT32 &&
          v > std::numeric_limits<uint32_t>::max()) {
        return out_of_range;
      }
      *as_unsigned = v;
      return "";
    }
  }
}

// Sets (or, for a repeated field, appends) `f` of `msg` from text; "" or the description.
std::string SetFromText(Message* msg, const FieldDescriptor* f, absl::string_view text) {
  const Reflection* r = msg->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value;
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        // Standard or URL-safe alphabet, padding optional, as in the JSON mapping. A '+' of the
        // standard alphabet must be sent as %2B, since a bare '+' decodes to a space.
        if (!absl::Base64Unescape(text, &value) && !absl::WebSafeBase64Unescape(text, &value)) {
          return "must be base64-encoded";
        }
      } else {
        if (!IsValidUtf8(text)) return "is not valid UTF-8";
        value = std::string(text);
      }
      rep ? r->AddString(msg, f, std::move(value)) : r->SetString(msg, f, std::move(value));
      return "";
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      int64_t s = 0;
      uint64_t u = 0;
      if (std::string error = ParseInteger(f, text, &s, &u); !error.empty()) return error;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          rep ? r->AddInt32(msg, f, s) : r->SetInt32(msg, f, s);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          rep ? r->AddInt64(msg, f, s) : r->SetInt64(msg, f, s);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          rep ? r->AddUInt32(msg, f, u) : r->SetUInt32(msg, f, u);
          break;
        default:
          rep ? r->AddUInt64(msg, f, u) : r->SetUInt64(msg, f, u);
      }
      return "";
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      // SimpleAtod also skips surrounding spaces; a value with spaces is a client mistake.
      if (text.empty() || absl::StripAsciiWhitespace(text) != text || !absl::SimpleAtod(text, &v)) {
        return "must be a number";
      }
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        rep ? r->AddDouble(msg, f, v) : r->SetDouble(msg, f, v);
      } else {
        if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
          return "is out of range for float";
        }
        rep ? r->AddFloat(msg, f, static_cast<float>(v))
            : r->SetFloat(msg, f, static_cast<float>(v));
      }
      return "";
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (text != "true" && text != "false") return "must be true or false";
      rep ? r->AddBool(msg, f, text == "true") : r->SetBool(msg, f, text == "true");
      return "";
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = f->enum_type()->FindValueByName(std::string(text));
      int number;
      if (value == nullptr && IsDecimal(text) && absl::SimpleAtoi(text, &number)) {
        value = f->enum_type()->FindValueByNumber(number);
      }
      if (value == nullptr) return EnumChoices(f);
      rep ? r->AddEnumValue(msg, f, value->number()) : r->SetEnumValue(msg, f, value->number());
      return "";
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Wkt kind = WktOf(f->message_type());
      Message* sub = rep ? r->AddMessage(msg, f) : r->MutableMessage(msg, f);
      if (kind == Wkt::kWrapper) {
        return SetFromText(sub, sub->GetDescriptor()->FindFieldByName("value"), text);
      }
      // Timestamp, Duration and FieldMask: protobuf's own parser for their JSON string form.
      sub->Clear();
      google::protobuf::util::JsonParseOptions options;
      if (!IsValidUtf8(text) ||
          !google::protobuf::util::JsonStringToMessage(platform::JsonQuote(text), sub, options)
               .ok()) {
        return WktDescription(kind);
      }
      return "";
    }
  }
  return "has an invalid value";
}

// ---------------------------------------------------------------------------------------------
// The JSON body, checked against the descriptor so that each mistake is named by its path.

class BodyChecker {
 public:
  BodyChecker(const Message& root, Violations* out)
      : factory_(root.GetReflection()->GetMessageFactory()), out_(out) {}

  void Object(const Descriptor* type, const google::protobuf::Struct& object,
              const std::string& path) {
    // Sorted, so that the violations come in a stable order (a Struct is a hash map).
    std::vector<std::string> keys;
    for (const auto& [key, unused] : object.fields()) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    for (const std::string& key : keys) {
      const FieldDescriptor* f = FindField(type, key);
      if (f == nullptr) {
        Add(out_, Join(path, key), "is not a known field");
        continue;
      }
      std::string field_path = Join(path, f->json_name());
      if (key == f->name() && f->name() != f->json_name() &&
          object.fields().count(f->json_name())) {
        // Which one would win depends on key order; better to say so than to guess.
        Add(out_, field_path, absl::StrCat("is given twice, as ", f->json_name(), " and ", key));
        continue;
      }
      Field(f, object.fields().at(key), field_path);
    }
  }

  // The whole value of `f` (a list for a repeated field, an object for a map).
  void Field(const FieldDescriptor* f, const google::protobuf::Value& v, const std::string& path) {
    using google::protobuf::Value;
    if (v.kind_case() == Value::kNullValue && !IsValueField(f)) return;  // null = not set
    if (f->is_map()) {
      if (v.kind_case() != Value::kStructValue) return Add(out_, path, "must be a JSON object");
      const FieldDescriptor* key_field = f->message_type()->map_key();
      const FieldDescriptor* value_field = f->message_type()->map_value();
      std::vector<std::string> keys;
      for (const auto& [key, unused] : v.struct_value().fields()) keys.push_back(key);
      std::sort(keys.begin(), keys.end());
      for (const std::string& key : keys) {
        std::string entry_path = absl::StrCat(path, "[", platform::JsonQuote(key), "]");
        if (std::string error = MapKey(key_field, key); !error.empty()) {
          Add(out_, entry_path, error);
          continue;
        }
        const Value& entry = v.struct_value().fields().at(key);
        if (entry.kind_case() != Value::kNullValue || IsValueField(value_field)) {
          Single(value_field, entry, entry_path);
        }
      }
      return;
    }
    if (f->is_repeated()) {
      // protobuf would take a lone value as a list of one; the JSON mapping does not.
      if (v.kind_case() != Value::kListValue) return Add(out_, path, "must be a JSON array");
      for (int i = 0; i < v.list_value().values_size(); ++i) {
        std::string element_path = absl::StrCat(path, "[", i, "]");
        const Value& element = v.list_value().values(i);
        // protobuf would silently drop a null element, shifting every index after it.
        if (element.kind_case() == Value::kNullValue && !IsValueField(f)) {
          Add(out_, element_path, "must not be null");
        } else {
          Single(f, element, element_path);
        }
      }
      return;
    }
    Single(f, v, path);
  }

 private:
  static bool IsValueField(const FieldDescriptor* f) {
    return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() &&
           WktOf(f->message_type()) == Wkt::kValue;
  }

  static std::string MapKey(const FieldDescriptor* key_field, const std::string& key) {
    switch (key_field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return "";
      case FieldDescriptor::CPPTYPE_BOOL:
        return key == "true" || key == "false" ? "" : "key must be true or false";
      default: {
        int64_t s;
        uint64_t u;
        std::string error = ParseInteger(key_field, key, &s, &u);
        return error.empty() ? "" : absl::StrCat("key ", error);
      }
    }
  }

  // One value of `f`: an element of a list, a map value, or a singular field's value.
  void Single(const FieldDescriptor* f, const google::protobuf::Value& v, const std::string& path) {
    using google::protobuf::Value;
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return Scalar(f, v, path);
    Wkt kind = WktOf(f->message_type());
    switch (kind) {
      case Wkt::kNone:
        if (v.kind_case() != Value::kStructValue) return Add(out_, path, "must be a JSON object");
        return Object(f->message_type(), v.struct_value(), path);
      case Wkt::kWrapper:
        if (v.kind_case() == Value::kNullValue) return;
        return Scalar(f->message_type()->FindFieldByName("value"), v, path);
      case Wkt::kValue:
        return;  // Any JSON at all.
      case Wkt::kAny:
        // The type named by "@type" is resolved by the real parse; only the shape is checked.
        if (v.kind_case() != Value::kStructValue || !v.struct_value().fields().count("@type") ||
            v.struct_value().fields().at("@type").kind_case() != Value::kStringValue) {
          Add(out_, path, WktDescription(kind));
        }
        return;
      default: {
        // Timestamp, Duration, FieldMask, Struct, ListValue: protobuf's parser on this value alone.
        const google::protobuf::Message* prototype = factory_->GetPrototype(f->message_type());
        std::string json;
        bool ok =
            prototype != nullptr && google::protobuf::util::MessageToJsonString(v, &json).ok();
        if (ok) {
          std::unique_ptr<google::protobuf::Message> probe(prototype->New());
          ok = google::protobuf::util::JsonStringToMessage(json, probe.get()).ok();
        }
        if (!ok) Add(out_, path, WktDescription(kind));
        return;
      }
    }
  }

  void Scalar(const FieldDescriptor* f, const google::protobuf::Value& v, const std::string& path) {
    using google::protobuf::Value;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        if (v.kind_case() != Value::kStringValue) {
          return Add(out_, path,
                     f->type() == FieldDescriptor::TYPE_BYTES ? "must be a base64 string"
                                                              : "must be a string");
        }
        std::string unused;
        if (f->type() == FieldDescriptor::TYPE_BYTES &&
            !absl::Base64Unescape(v.string_value(), &unused) &&
            !absl::WebSafeBase64Unescape(v.string_value(), &unused)) {
          Add(out_, path, "must be base64-encoded");
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        if (v.kind_case() == Value::kStringValue) {
          int64_t s;
          uint64_t u;
          std::string error = ParseInteger(f, v.string_value(), &s, &u);
          if (!error.empty()) Add(out_, path, error);
          return;
        }
        if (v.kind_case() != Value::kNumberValue) return Add(out_, path, "must be an integer");
        double d = v.number_value();
        if (!std::isfinite(d) || std::trunc(d) != d) return Add(out_, path, "must be an integer");
        // The Value holds a double, which cannot tell 2^63-1 from 2^63; at the 64-bit edges the
        // real parse (exact) decides.
        double lo, hi;
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_INT32:
            lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            lo = -9223372036854775808.0, hi = 9223372036854775808.0;
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            lo = 0, hi = std::numeric_limits<uint32_t>::max();
            break;
          default:
            lo = 0, hi = 18446744073709551616.0;
        }
        if (d < lo || d > hi) Add(out_, path, absl::StrCat("is out of range for ", TypeName(f)));
        return;
      }
      case FieldDescriptor::CPPTYPE_FLOAT:
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        if (v.kind_case() == Value::kStringValue) {
          const std::string& s = v.string_value();
          if (s == "NaN" || s == "Infinity" || s == "-Infinity") return;
          // A JSON number in quotes, without the spaces JsonSyntax would skip.
          if (s.empty() || !(s[0] == '-' || absl::ascii_isdigit(s[0])) ||
              !absl::ascii_isdigit(s.back()) ||
              JsonSyntax::Check(s, 0) != JsonSyntax::Result::kOk) {
            return Add(out_, path, "must be a number");
          }
          return;
        }
        if (v.kind_case() != Value::kNumberValue) return Add(out_, path, "must be a number");
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT &&
            std::fabs(v.number_value()) > std::numeric_limits<float>::max()) {
          Add(out_, path, "is out of range for float");
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        // The JSON mapping says true or false; protobuf would also take the strings.
        if (v.kind_case() != Value::kBoolValue) Add(out_, path, "must be true or false");
        return;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* type = f->enum_type();
        bool known = false;
        if (v.kind_case() == Value::kStringValue) {
          int number;
          known = type->FindValueByName(v.string_value()) != nullptr ||
                  (IsDecimal(v.string_value()) && absl::SimpleAtoi(v.string_value(), &number) &&
                   type->FindValueByNumber(number) != nullptr);
        } else if (v.kind_case() == Value::kNumberValue) {
          // protobuf keeps unknown numbers of an open enum; a client sending one is mistaken.
          double d = v.number_value();
          known = std::trunc(d) == d && std::fabs(d) <= std::numeric_limits<int32_t>::max() &&
                  type->FindValueByNumber(static_cast<int>(d)) != nullptr;
        }
        if (!known) Add(out_, path, EnumChoices(f));
        return;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return;  // Not reached: messages go through Single.
    }
  }

  google::protobuf::MessageFactory* factory_;
  Violations* out_;
};

// protobuf's path ("lines[1].quantity", proto names whatever the client wrote) with JSON
// names, as the checker names fields. A map entry, which protobuf calls "labels[0].value",
// becomes the map itself.
std::string JsonPath(const Descriptor* type, absl::string_view parser_path) {
  std::vector<std::string> out;
  for (absl::string_view segment : absl::StrSplit(parser_path, '.')) {
    absl::string_view name = segment.substr(0, segment.find('['));
    const FieldDescriptor* f = type == nullptr ? nullptr : FindField(type, name);
    if (f == nullptr) break;
    if (f->is_map()) {
      out.push_back(f->json_name());
      break;
    }
    out.push_back(absl::StrCat(f->json_name(), segment.substr(name.size())));
    type = IsPlainMessage(f) ? f->message_type() : nullptr;
  }
  return absl::StrJoin(out, ".");
}

// protobuf's parser names a field as "(lines[1].quantity): invalid value ..." or
// "(company) nmae: Cannot find field."; its wording (C++ type names, type URLs) is not for
// clients, so only the path is kept.
platform::FieldViolation FromParserError(const Descriptor* type, absl::string_view message) {
  bool unknown = absl::StrContains(message, "Cannot find field");
  std::string path;
  if (absl::ConsumePrefix(&message, "(")) {
    size_t close = message.find(')');
    if (close != absl::string_view::npos) {
      path = JsonPath(type, message.substr(0, close));
      absl::string_view rest = message.substr(close + 1);
      if (unknown && !path.empty() && absl::ConsumePrefix(&rest, " ")) {
        path = Join(path, rest.substr(0, rest.find(':')));
      }
    }
  } else if (unknown) {
    path = std::string(message.substr(0, message.find(':')));
  }
  if (path.empty() || !IsValidUtf8(path)) return {"body", "could not be read for this request"};
  return {path, unknown ? "is not a known field" : "has an invalid value"};
}

// Parses the body into `request`: the whole of it (`target` null) or field `target`.
// `body_keys` gets the proto names of the body object's top-level fields when the body fills
// a message field (what an omitted update mask means).
void ParseBody(absl::string_view body, const FieldDescriptor* target, const RequestLimits& limits,
               Message* request, Violations* out, std::vector<std::string>* body_keys) {
  if (!IsValidUtf8(body)) return Add(out, "body", "is not valid UTF-8");
  switch (JsonSyntax::Check(body, limits.max_json_depth)) {
    case JsonSyntax::Result::kInvalid:
      return Add(out, "body", "is not valid JSON");
    case JsonSyntax::Result::kTooDeep:
      return Add(out, "body",
                 absl::StrCat("is nested deeper than ", limits.max_json_depth, " levels"));
    case JsonSyntax::Result::kOk:
      break;
  }
  // google.protobuf.Value takes any JSON (a top-level array or scalar too, in 3.21), so the
  // shape can be checked field by field before the typed parse.
  google::protobuf::Value tree;
  if (!google::protobuf::util::JsonStringToMessage(Piece(body), &tree).ok()) {
    return Add(out, "body", "is not valid JSON");
  }
  BodyChecker checker(*request, out);
  std::string text;
  size_t before = out->size();
  if (target == nullptr) {
    text = std::string(body);
    // A well-known type as the whole request (a Struct, say) has its own JSON form, which the
    // typed parse alone judges.
    if (WktOf(request->GetDescriptor()) == Wkt::kNone) {
      if (tree.kind_case() != google::protobuf::Value::kStructValue) {
        return Add(out, "body", "must be a JSON object");
      }
      checker.Object(request->GetDescriptor(), tree.struct_value(), "");
    }
  } else {
    checker.Field(target, tree, target->json_name());
    if (IsPlainMessage(target) && tree.kind_case() == google::protobuf::Value::kStructValue) {
      for (const auto& [key, unused] : tree.struct_value().fields()) {
        if (const FieldDescriptor* f = FindField(target->message_type(), key)) {
          body_keys->push_back(f->name());
        }
      }
    }
    // The body as the value of its field, so that protobuf's parser handles every kind of field
    // (message, list, map, scalar) and names paths from the request's root.
    text = absl::StrCat("{", platform::JsonQuote(target->json_name()), ":", body, "}");
  }
  if (out->size() > before) return;

  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(text, request, options);
  if (!status.ok()) {
    platform::FieldViolation v =
        FromParserError(request->GetDescriptor(),
                        absl::string_view(status.message().data(), status.message().size()));
    Add(out, std::move(v.field), std::move(v.description));
  }
}

// ---------------------------------------------------------------------------------------------
// Query parameters.

int HexDigit(char c) {
  return absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::optional<std::string> FormDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (i + 2 >= text.size() || !absl::ascii_isxdigit(text[i + 1]) ||
          !absl::ascii_isxdigit(text[i + 2])) {
        return std::nullopt;
      }
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    }
  }
  return out;
}

// True when dotted proto paths `a` and `b` are the same field or one lies inside the other.
bool Overlaps(absl::string_view a, absl::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return absl::StartsWith(b, a) && (b.size() == a.size() || b[a.size()] == '.');
}

constexpr absl::string_view kCacheBuster = "_";

// `{}` with any JSON whitespace around or inside.
bool IsEmptyJsonObject(absl::string_view body) {
  body = absl::StripAsciiWhitespace(body);
  if (!absl::ConsumePrefix(&body, "{") || !absl::ConsumeSuffix(&body, "}")) return false;
  return absl::StripAsciiWhitespace(body).empty();
}

class QueryApplier {
 public:
  QueryApplier(const RequestParts& parts, const FieldDescriptor* body_target, Message* request,
               Violations* out)
      : parts_(parts), body_target_(body_target), request_(request), out_(out) {}

  void Apply() {
    for (absl::string_view param : absl::StrSplit(parts_.query, '&')) {
      // "?a=1&" and "?&a=1" are common and harmless.
      if (param.empty()) continue;
      size_t eq = param.find('=');
      absl::string_view raw_name = param.substr(0, eq);
      absl::string_view raw_value = eq == absl::string_view::npos ? "" : param.substr(eq + 1);
      std::optional<std::string> name = FormDecode(raw_name);
      if (!name || !IsValidUtf8(*name)) {
        Add(out_, IsValidUtf8(raw_name) ? std::string(raw_name) : "query",
            "is not a correctly percent-encoded name");
        continue;
      }
      if (name->empty()) {
        Add(out_, "query", "has a parameter with an empty name");
        continue;
      }
      // The conventional cache-buster (`?_=1700000000`) is no field; every other unknown
      // parameter is refused, so that a misspelt `pagesize` is not silently ignored.
      if (*name == kCacheBuster) continue;
      std::optional<std::string> value = FormDecode(raw_value);
      if (!value) {
        Add(out_, *name, "is not correctly percent-encoded");
        continue;
      }
      One(*name, *value);
    }
  }

 private:
  void One(const std::string& name, const std::string& value) {
    if (parts_.body_field == "*") {
      return Add(out_, name, "is not accepted in the query here; send it in the body");
    }
    // Resolve the dotted name to a chain of fields.
    std::vector<const FieldDescriptor*> chain;
    const Descriptor* type = request_->GetDescriptor();
    for (absl::string_view segment : absl::StrSplit(name, '.')) {
      const FieldDescriptor* f = type == nullptr ? nullptr : FindField(type, segment);
      if (f == nullptr) return Add(out_, name, "is not a known field");
      chain.push_back(f);
      type = IsPlainMessage(f) ? f->message_type() : nullptr;
    }
    const FieldDescriptor* leaf = chain.back();
    if (leaf->is_map()) return Add(out_, name, "is a map, which cannot be set from the query");
    if (!TakesText(leaf)) {
      return Add(out_, name,
                 IsPlainMessage(leaf) ? "is a message; name one of its fields instead"
                                      : "cannot be set from the query");
    }
    int repeated_levels = leaf->is_repeated() ? 1 : 0;
    std::vector<std::string> proto_names;
    for (const FieldDescriptor* f : chain) {
      proto_names.push_back(f->name());
      if (f != leaf && f->is_repeated()) ++repeated_levels;
    }
    if (repeated_levels > 1) {
      return Add(out_, name, "is a list inside a list, which cannot be set from the query");
    }
    std::string proto_path = absl::StrJoin(proto_names, ".");
    if (chain.front() == body_target_) return Add(out_, name, "is set by the body");
    for (const auto& [capture, unused] : parts_.captures) {
      if (Overlaps(capture, proto_path)) return Add(out_, name, "is set by the path");
    }
    int occurrence = seen_[proto_path]++;
    if (repeated_levels == 0 && occurrence == 1) return Add(out_, name, "is given more than once");
    if (repeated_levels == 0 && occurrence > 1) return;  // Named once is enough.

    Message* msg = request_;
    for (const FieldDescriptor* f : chain) {
      if (f == leaf) break;
      const Reflection* r = msg->GetReflection();
      if (f->is_repeated()) {
        while (r->FieldSize(*msg, f) <= occurrence) r->AddMessage(msg, f);
        msg = r->MutableRepeatedMessage(msg, f, occurrence);
      } else {
        msg = r->MutableMessage(msg, f);
      }
    }
    if (std::string error = SetFromText(msg, leaf, value); !error.empty()) {
      Add(out_, name, std::move(error));
    }
  }

  const RequestParts& parts_;
  const FieldDescriptor* body_target_;
  Message* request_;
  Violations* out_;
  std::map<std::string, int> seen_;
};

// ---------------------------------------------------------------------------------------------
// Path captures.

absl::Status ApplyCaptures(const RequestParts& parts, Message* request, Violations* out) {
  for (const auto& [path, value] : parts.captures) {
    Message* msg = request;
    std::vector<std::string> json_names;
    std::vector<absl::string_view> segments = absl::StrSplit(path, '.');
    for (size_t i = 0; i < segments.size(); ++i) {
      const FieldDescriptor* f = FindField(msg->GetDescriptor(), segments[i]);
      if (f == nullptr) return RouteError(absl::StrCat("no field ", path));
      json_names.push_back(f->json_name());
      const Reflection* r = msg->GetReflection();
      if (i + 1 < segments.size()) {
        if (!IsPlainMessage(f) || f->is_repeated()) {
          return RouteError(absl::StrCat("cannot descend into ", path));
        }
        msg = r->MutableMessage(msg, f);
        continue;
      }
      if (f->is_repeated() || !TakesText(f)) {
        return RouteError(absl::StrCat("cannot set ", path, " from the path"));
      }
      // The path wins over whatever the body said.
      r->ClearField(msg, f);
      if (std::string error = SetFromText(msg, f, value); !error.empty()) {
        Add(out, absl::StrJoin(json_names, "."), std::move(error));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

// An update whose mask was not given changes the fields its body names (AIP-134): the mask
// becomes the body object's top-level fields. Only for a request with an `update_mask`
// FieldMask, left empty by the query.
void InferUpdateMask(std::vector<std::string> body_keys, Message* request) {
  const FieldDescriptor* mask = request->GetDescriptor()->FindFieldByName("update_mask");
  if (mask == nullptr || mask->is_repeated() || mask->message_type() == nullptr ||
      WktOf(mask->message_type()) != Wkt::kFieldMask) {
    return;
  }
  if (body_keys.empty()) return;
  std::sort(body_keys.begin(), body_keys.end());
  const Reflection* r = request->GetReflection();
  Message* value = r->MutableMessage(request, mask);
  const FieldDescriptor* paths = value->GetDescriptor()->FindFieldByName("paths");
  if (value->GetReflection()->FieldSize(*value, paths) > 0) return;
  for (const std::string& key : body_keys) value->GetReflection()->AddString(value, paths, key);
}

absl::Status BuildRequest(const RequestParts& parts, Message* request,
                          const RequestLimits& limits) {
  const FieldDescriptor* body_target = nullptr;
  if (!parts.body_field.empty() && parts.body_field != "*") {
    body_target = FindField(request->GetDescriptor(), parts.body_field);
    if (body_target == nullptr) {
      return RouteError(absl::StrCat("no body field ", parts.body_field));
    }
  }

  Violations violations;
  std::vector<std::string> body_keys;
  if (!absl::StripAsciiWhitespace(parts.body).empty()) {
    if (parts.body_field.empty()) {
      // API.md: a route that takes no body accepts an empty one and `{}` (what many clients
      // send by default); anything else is refused rather than silently dropped.
      if (!IsEmptyJsonObject(parts.body)) Add(&violations, "body", "is not accepted by this route");
    } else {
      ParseBody(parts.body, body_target, limits, request, &violations, &body_keys);
    }
  }
  QueryApplier(parts, body_target, request, &violations).Apply();
  InferUpdateMask(body_keys, request);
  if (absl::Status s = ApplyCaptures(parts, request, &violations); !s.ok()) return s;
  return platform::InvalidFields(violations);
}

}  // namespace crm::gateway
