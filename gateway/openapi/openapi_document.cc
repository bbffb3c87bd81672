#include "gateway/openapi/openapi_document.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "crm/api/v1/annotations.pb.h"
#include "crm/proto_files.h"
#include "gateway/errors/http_errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "platform/auth/access.h"

namespace crm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;
using google::protobuf::SourceLocation;

// ---------------------------------------------------------------------------------------------
// A JSON value that remembers the order its object keys were set in. The document is built as a
// tree first because parts of it (components) are only known once every route was walked.

class Json {
 public:
  enum class Kind { kNull, kBool, kInt, kString, kArray, kObject };

  Json() = default;
  // Implicit, so that Set("type", "string") reads like the JSON it makes.
  Json(bool b) : kind_(Kind::kBool), bool_(b) {}
  Json(int v) : kind_(Kind::kInt), int_(v) {}
  Json(int64_t v) : kind_(Kind::kInt), int_(v) {}
  Json(const char* s) : kind_(Kind::kString), string_(s) {}
  Json(std::string s) : kind_(Kind::kString), string_(std::move(s)) {}
  Json(absl::string_view s) : kind_(Kind::kString), string_(s) {}

  static Json Object() { return Json(Kind::kObject); }
  static Json Array() { return Json(Kind::kArray); }
  static Json ArrayOf(const std::vector<std::string>& items) {
    Json out = Array();
    for (const std::string& item : items) out.Push(item);
    return out;
  }

  // Sets `key` of an object; a key set again keeps its first position. Returns *this.
  Json& Set(absl::string_view key, Json value) {
    for (auto& [k, v] : members_) {
      if (k == key) {
        v = std::move(value);
        return *this;
      }
    }
    members_.emplace_back(std::string(key), std::move(value));
    return *this;
  }
  // Appends to an array. Returns *this.
  Json& Push(Json value) {
    items_.push_back(std::move(value));
    return *this;
  }
  bool empty() const { return members_.empty() && items_.empty(); }
  // The member `key` of an object, or nullptr.
  const Json* Get(absl::string_view key) const {
    for (const auto& [k, v] : members_) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  const std::string& string_value() const { return string_; }

  void Write(std::string* out, int depth) const {
    switch (kind_) {
      case Kind::kNull:
        *out += "null";
        return;
      case Kind::kBool:
        *out += bool_ ? "true" : "false";
        return;
      case Kind::kInt:
        absl::StrAppend(out, int_);
        return;
      case Kind::kString:
        Quote(string_, out);
        return;
      case Kind::kArray:
        if (items_.empty()) {
          *out += "[]";
          return;
        }
        *out += "[\n";
        for (size_t i = 0; i < items_.size(); ++i) {
          out->append(2 * (depth + 1), ' ');
          items_[i].Write(out, depth + 1);
          *out += i + 1 < items_.size() ? ",\n" : "\n";
        }
        out->append(2 * depth, ' ');
        *out += "]";
        return;
      case Kind::kObject:
        if (members_.empty()) {
          *out += "{}";
          return;
        }
        *out += "{\n";
        for (size_t i = 0; i < members_.size(); ++i) {
          out->append(2 * (depth + 1), ' ');
          Quote(members_[i].first, out);
          *out += ": ";
          members_[i].second.Write(out, depth + 1);
          *out += i + 1 < members_.size() ? ",\n" : "\n";
        }
        out->append(2 * depth, ' ');
        *out += "}";
        return;
    }
  }

 private:
  explicit Json(Kind kind) : kind_(kind) {}

  // Length of the well-formed UTF-8 sequence at s[i], or 0 when the bytes there are not one.
  static size_t Utf8Length(absl::string_view s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
    unsigned char c = b(i);
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return 0;
      if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
      if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
      return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
      if (c == 0xF0 && b(i + 1) < 0x90) return 0;
      if (c == 0xF4 && b(i + 1) >= 0x90) return 0;
      return 4;
    }
    return 0;
  }

  // Text from proto comments is not guaranteed UTF-8; a bad byte becomes U+FFFD so that the
  // document always parses.
  static void Quote(absl::string_view s, std::string* out) {
    *out += '"';
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        size_t n = Utf8Length(s, i);
        if (n == 0) {
          *out += "\xEF\xBF\xBD";
          ++i;
        } else {
          out->append(s.data() + i, n);
          i += n;
        }
        continue;
      }
      switch (c) {
        case '"':
          *out += "\\\"";
          break;
        case '\\':
          *out += "\\\\";
          break;
        case '\b':
          *out += "\\b";
          break;
        case '\f':
          *out += "\\f";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *out += buf;
          } else {
            *out += static_cast<char>(c);
          }
      }
      ++i;
    }
    *out += '"';
  }

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  int64_t int_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

Json Ref(absl::string_view section, absl::string_view name) {
  return Json::Object().Set("$ref", absl::StrCat("#/components/", section, "/", name));
}

// ---------------------------------------------------------------------------------------------
// Names and comments.

// The descriptor of the same name in `source` (a pool with source info), or nullptr.
const Descriptor* Counterpart(const DescriptorPool& source, const Descriptor& d) {
  return source.FindMessageTypeByName(d.full_name());
}
const FieldDescriptor* Counterpart(const DescriptorPool& source, const FieldDescriptor& d) {
  if (d.is_extension() || d.containing_type() == nullptr) return nullptr;
  const Descriptor* message = source.FindMessageTypeByName(d.containing_type()->full_name());
  return message == nullptr ? nullptr : message->FindFieldByName(d.name());
}
const EnumDescriptor* Counterpart(const DescriptorPool& source, const EnumDescriptor& d) {
  return source.FindEnumTypeByName(d.full_name());
}
const MethodDescriptor* Counterpart(const DescriptorPool& source, const MethodDescriptor& d) {
  return source.FindMethodByName(d.full_name());
}
const ServiceDescriptor* Counterpart(const DescriptorPool& source, const ServiceDescriptor& d) {
  return source.FindServiceByName(d.full_name());
}

// The leading comment protoc kept for a descriptor, one line per comment line without the space
// after "//"; taken from the descriptor of the same name in `source` when given, else from the
// descriptor's own pool. "" when neither has source info (the generated pool never has).
template <typename D>
std::string CommentOf(const D& descriptor, const DescriptorPool* source) {
  SourceLocation location;
  const D* with_comments = source == nullptr ? nullptr : Counterpart(*source, descriptor);
  if ((with_comments == nullptr || !with_comments->GetSourceLocation(&location)) &&
      !descriptor.GetSourceLocation(&location)) {
    return "";
  }
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(location.leading_comments, '\n')) {
    if (absl::StartsWith(line, " ")) line.remove_prefix(1);
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  return absl::StrJoin(lines.begin() + first, lines.end(), "\n");
}

// The first sentence of a comment's first paragraph, on one line, without its period.
std::string FirstSentence(absl::string_view comment) {
  absl::string_view paragraph = comment.substr(0, comment.find("\n\n"));
  std::string text = absl::StrJoin(absl::StrSplit(paragraph, '\n'), " ");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ')) return text.substr(0, i);
  }
  return text;
}

// An operation's summary: the comment's first sentence, cut before its first aside ("; ", ": ",
// " (") when longer than 60 characters; "" when the comment opens with its errors.
std::string SummaryOf(absl::string_view comment) {
  std::string sentence = FirstSentence(comment);
  if (absl::StartsWith(sentence, "Errors:")) return "";
  if (sentence.size() > 60) {
    size_t cut = sentence.size();
    for (const char* aside : {"; ", ": ", " ("}) {
      size_t at = sentence.find(aside, 10);
      if (at != std::string::npos) cut = std::min(cut, at);
    }
    sentence.resize(cut);
  }
  return sentence;
}

// "CreateCustomer" -> "Create customer"; acronyms keep their case ("GetHTTPRule" -> "Get HTTP
// rule").
std::string NameInWords(absl::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = absl::ascii_isupper(c);
    const bool after_lower =
        i > 0 && (absl::ascii_islower(name[i - 1]) || absl::ascii_isdigit(name[i - 1]));
    const bool acronym_end = i > 0 && absl::ascii_isupper(name[i - 1]) && i + 1 < name.size() &&
                             absl::ascii_islower(name[i + 1]);
    if (upper && (after_lower || acronym_end) && !word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    word += c;
  }
  if (!word.empty()) words.push_back(std::move(word));
  for (size_t i = 1; i < words.size(); ++i) {
    bool acronym = words[i].size() > 1;
    for (char c : words[i]) acronym = acronym && !absl::ascii_islower(c);
    if (!acronym) absl::AsciiStrToLower(&words[i]);
  }
  return absl::StrJoin(words, " ");
}

// The field at the dotted proto path ("owner.owner_id") below `message`, or nullptr.
const FieldDescriptor* FieldAt(const Descriptor& message, absl::string_view path) {
  const Descriptor* current = &message;
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (current == nullptr) return nullptr;
    field = current->FindFieldByName(std::string(part));
    if (field == nullptr) return nullptr;
    current = field->type() == FieldDescriptor::TYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return field;
}

// The JSON path of a dotted proto path: "owner.owner_id" -> "owner.ownerId". Falls back to the
// proto names where the path does not resolve (the route table has refused such routes).
std::string JsonPath(const Descriptor& message, absl::string_view path) {
  std::vector<std::string> out;
  const Descriptor* current = &message;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    const FieldDescriptor* field =
        current == nullptr ? nullptr : current->FindFieldByName(std::string(part));
    out.push_back(field == nullptr ? std::string(part) : field->json_name());
    current = field != nullptr && field->type() == FieldDescriptor::TYPE_MESSAGE
                  ? field->message_type()
                  : nullptr;
  }
  return absl::StrJoin(out, ".");
}

// One route's template as OpenAPI sees it.
struct OpenApiPath {
  struct Variable {
    std::string field;      // proto path, "owner.owner_id"
    std::string json_name;  // "owner.ownerId"
    bool rest = false;      // {field=**}
  };
  std::string key;    // "/v1/owners/{owner.ownerId}/files/{path}:stat"
  std::string shape;  // the key with names erased; OpenAPI treats equal shapes as one path
  std::vector<Variable> variables;
};

// The route table parsed and validated every template, so braces are balanced here.
OpenApiPath ToOpenApiPath(const PathTemplate& path, const Descriptor& request) {
  OpenApiPath out;
  absl::string_view text = path.text();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == absl::string_view::npos) {
      absl::StrAppend(&out.key, text.substr(pos));
      absl::StrAppend(&out.shape, text.substr(pos));
      break;
    }
    size_t close = text.find('}', open);
    if (close == absl::string_view::npos) close = text.size();
    absl::StrAppend(&out.key, text.substr(pos, open - pos));
    absl::StrAppend(&out.shape, text.substr(pos, open - pos), "{}");
    absl::string_view inner = text.substr(open + 1, close - open - 1);
    OpenApiPath::Variable variable;
    size_t eq = inner.find('=');
    variable.field = std::string(inner.substr(0, eq));
    variable.rest = eq != absl::string_view::npos && inner.substr(eq + 1) == "**";
    variable.json_name = JsonPath(request, variable.field);
    absl::StrAppend(&out.key, "{", variable.json_name, "}");
    out.variables.push_back(std::move(variable));
    pos = close + 1;
  }
  return out;
}

bool HasEtag(const Descriptor& message) {
  const FieldDescriptor* etag = message.FindFieldByName("etag");
  return etag != nullptr && !etag->is_repeated() && etag->type() == FieldDescriptor::TYPE_STRING;
}

bool IsWrapper(absl::string_view full_name) {
  static const std::set<absl::string_view> kWrappers = {
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue",  "google.protobuf.Int64Value",
      "google.protobuf.UInt64Value", "google.protobuf.Int32Value",  "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue",   "google.protobuf.StringValue", "google.protobuf.BytesValue"};
  return kWrappers.count(full_name) > 0;
}

// Well-known messages a query parameter can carry as one string (what BuildRequest accepts).
bool IsQueryableMessage(absl::string_view full_name) {
  return IsWrapper(full_name) || full_name == "google.protobuf.Timestamp" ||
         full_name == "google.protobuf.Duration" || full_name == "google.protobuf.FieldMask";
}

// A 64-bit integer: the protobuf JSON mapping prints it as a string (JavaScript numbers lose
// precision beyond 2^53) and accepts a string or a number. In a query it is always text.
Json Int64Schema(bool is_unsigned, bool in_query) {
  const char* format = is_unsigned ? "uint64" : "int64";
  Json text = Json::Object()
                  .Set("type", "string")
                  .Set("format", format)
                  .Set("pattern", is_unsigned ? "^[0-9]+$" : "^-?[0-9]+$");
  if (in_query) return text;
  Json number = Json::Object().Set("type", "integer").Set("format", "int64");
  if (is_unsigned) number.Set("minimum", 0);
  return Json::Object()
      .Set("oneOf", Json::Array().Push(std::move(text)).Push(std::move(number)))
      .Set("description", "A decimal string in answers; a string or a number in requests.");
}

// The schema of a singular scalar of `type` (not enum or message); `in_query` for a query
// parameter's value.
Json ScalarSchema(FieldDescriptor::Type type, bool in_query = false) {
  switch (type) {
    case FieldDescriptor::TYPE_BYTES:
      return Json::Object().Set("type", "string").Set("format", "byte");
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
      return Json::Object().Set("type", "integer").Set("format", "int32");
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32:
      // Beyond int32, so int64 is the smallest OpenAPI format that holds it.
      return Json::Object()
          .Set("type", "integer")
          .Set("format", "int64")
          .Set("minimum", 0)
          .Set("maximum", int64_t{4294967295});
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
      return Int64Schema(/*is_unsigned=*/false, in_query);
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64:
      return Int64Schema(/*is_unsigned=*/true, in_query);
    case FieldDescriptor::TYPE_FLOAT:
      return Json::Object().Set("type", "number").Set("format", "float");
    case FieldDescriptor::TYPE_DOUBLE:
      return Json::Object().Set("type", "number").Set("format", "double");
    case FieldDescriptor::TYPE_BOOL:
      return Json::Object().Set("type", "boolean");
    default:
      return Json::Object().Set("type", "string");
  }
}

constexpr char kDurationPattern[] = "^-?[0-9]+(\\.[0-9]+)?s$";

// The JSON mapping's special forms of the well-known types; `has` is false for other messages.
struct WellKnown {
  bool has = false;
  Json schema;
};

WellKnown WellKnownSchema(const Descriptor& message) {
  const std::string& name = message.full_name();
  if (!absl::StartsWith(name, "google.protobuf.")) return {};
  if (IsWrapper(name)) {
    const FieldDescriptor* value = message.FindFieldByName("value");
    if (value == nullptr) return {};
    return {true, ScalarSchema(value->type()).Set("nullable", true)};
  }
  if (name == "google.protobuf.Timestamp") {
    return {true, Json::Object()
                      .Set("type", "string")
                      .Set("format", "date-time")
                      .Set("description", "RFC 3339, UTC, e.g. \"2024-05-01T12:00:00Z\".")};
  }
  if (name == "google.protobuf.Duration") {
    return {true, Json::Object()
                      .Set("type", "string")
                      .Set("pattern", kDurationPattern)
                      .Set("description", "Seconds with an \"s\" suffix, e.g. \"1.5s\".")};
  }
  if (name == "google.protobuf.FieldMask") {
    return {true,
            Json::Object()
                .Set("type", "string")
                .Set("description",
                     "Comma-separated lowerCamelCase field paths, e.g. \"displayName,phone\".")};
  }
  if (name == "google.protobuf.Struct") {
    return {true, Json::Object().Set("type", "object").Set("additionalProperties", true)};
  }
  if (name == "google.protobuf.Value") {
    // The empty schema: any JSON value.
    return {true, Json::Object().Set("description", "Any JSON value.")};
  }
  if (name == "google.protobuf.ListValue") {
    return {true, Json::Object().Set("type", "array").Set("items", Json::Object())};
  }
  if (name == "google.protobuf.Any") {
    return {true, Json::Object()
                      .Set("type", "object")
                      .Set("required", Json::ArrayOf({"@type"}))
                      .Set("properties",
                           Json::Object().Set(
                               "@type", Json::Object()
                                            .Set("type", "string")
                                            .Set("description",
                                                 "\"type.googleapis.com/\" and the message's full "
                                                 "name; the message's fields sit beside it.")))
                      .Set("additionalProperties", true)};
  }
  if (name == "google.protobuf.Empty") {
    return {true, Json::Object().Set("type", "object")};
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// The document.

// The error responses: component name and description, by HTTP status.
struct ErrorResponse {
  int code;
  const char* name;
  const char* description;
};
constexpr ErrorResponse kErrorResponses[] = {
    {400, "BadRequest", "The request is malformed or a field is invalid (see fieldViolations)."},
    {401, "Unauthorized",
     "No valid bearer token (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED), or the "
     "operation's own reasons."},
    {403, "Forbidden", "The caller's role, or the record's owner, does not allow this call."},
    {404, "NotFound", "No such route or record."},
    {409, "Conflict",
     "The record's state does not allow this call, it already exists, or a request with the "
     "same Idempotency-Key is still running."},
    {412, "PreconditionFailed", "If-Match names an etag the record no longer has."},
    {413, "PayloadTooLarge", "The body is larger than the gateway accepts (BODY_TOO_LARGE)."},
    {415, "UnsupportedMediaType", "The body is not JSON: send Content-Type: application/json."},
    {422, "UnprocessableEntity", "The Idempotency-Key was used before with another body."},
    {429, "TooManyRequests",
     "Too many requests (RATE_LIMITED, or the operation's own reasons); retry after Retry-After "
     "seconds when given."},
    {431, "RequestHeaderFieldsTooLarge",
     "The request's headers are larger than the gateway accepts (HEADERS_TOO_LARGE)."},
    {500, "InternalError", "An unexpected error; the requestId finds it in the logs."},
    {501, "NotImplemented",
     "The request uses a Transfer-Encoding other than chunked (TRANSFER_ENCODING_UNSUPPORTED)."},
    {502, "BadGateway", "A service sent an answer the gateway could not read."},
    {503, "Unavailable", "A service is down or overloaded; retry after Retry-After seconds."},
    {504, "GatewayTimeout", "A service did not answer in time; the call may have taken effect."},
};

const ErrorResponse& ErrorResponseFor(int code) {
  for (const ErrorResponse& e : kErrorResponses) {
    if (e.code == code) return e;
  }
  return ErrorResponseFor(500);
}

const char* SuccessDescription(int code) {
  switch (code) {
    case 201:
      return "Created.";
    case 202:
      return "Accepted: the work continues after the answer.";
    case 204:
      return "Done; no content.";
    default:
      return "OK.";
  }
}

// The crm.api.v1 options, parsed as generated messages: options() of a pool built at run time
// carries the extensions as unknown fields (as route_table.cc explains).
api::v1::HttpRule HttpRuleOf(const MethodDescriptor& method) {
  google::protobuf::MethodOptions options;
  options.ParseFromString(method.options().SerializeAsString());
  return options.GetExtension(api::v1::http);
}

api::v1::FieldBehavior BehaviorOf(const FieldDescriptor& field) {
  google::protobuf::FieldOptions options;
  options.ParseFromString(field.options().SerializeAsString());
  return options.GetExtension(api::v1::field);
}

// What an RPC's comment says it answers, as the protos write it (docs/development.md: "Comment
// the error codes and reasons it returns"): "Errors: NOT_FOUND (CUSTOMER_NOT_FOUND);
// FAILED_PRECONDITION (ETAG_MISMATCH, or SELF_CHANGE_REFUSED); ABORTED (contended: retry)".
struct NamedErrors {
  std::set<int> statuses;                           // of every code and reason named
  std::map<int, std::vector<std::string>> reasons;  // HTTP status -> reasons, as named
};

// The HTTP status of a gRPC code's name, as the gateway answers it (errors/http_errors.h); 0 when
// the word is not a code.
int StatusOfCode(absl::string_view code) {
  std::optional<grpc::StatusCode> named = GrpcCodeNamed(code);
  return named ? HttpStatusOfCode(*named) : 0;
}

// A reason's status: its own when the gateway answers it alike whatever the code, else its
// code's.
int StatusOfReason(absl::string_view reason, int code_status) {
  int own = HttpStatusOfReason(reason);
  return own != 0 ? own : code_status;
}

NamedErrors ErrorsNamedIn(absl::string_view comment) {
  NamedErrors out;
  size_t start = comment.find("Errors:");
  if (start == absl::string_view::npos) return out;
  absl::string_view text = comment.substr(start);
  int depth = 0;
  int code_status = 0;  // of the code whose parentheses we are in
  bool code_has_reason = false;
  const auto is_word = [](char c) {
    return absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '_';
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '(') {
      ++depth;
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth > 0 && --depth == 0 && code_status != 0 && !code_has_reason) {
        out.statuses.insert(code_status);
      }
      ++i;
      continue;
    }
    const bool starts = absl::ascii_isupper(c) &&
                        (i == 0 || !(absl::ascii_isalnum(text[i - 1]) || text[i - 1] == '_'));
    if (!starts) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && is_word(text[end])) ++end;
    if (end < text.size() && text[end] == '*') ++end;  // "TOKEN_*"
    const bool whole = end >= text.size() || !absl::ascii_isalpha(text[end]);
    absl::string_view word = text.substr(i, end - i);
    i = end;
    if (!whole) continue;
    if (depth == 0) {
      if (int status = StatusOfCode(word); status != 0) {
        // A code: its status counts unless its parentheses name reasons of their own.
        if (code_status != 0 && !code_has_reason) out.statuses.insert(code_status);
        code_status = status;
        code_has_reason = false;
        size_t next = end;
        while (next < text.size() && absl::ascii_isspace(text[next])) ++next;
        if (next >= text.size() || text[next] != '(') {
          out.statuses.insert(status);
          code_status = 0;
        }
      }
      continue;
    }
    // Inside a code's parentheses: UPPER_SNAKE words are reasons ("HTTP" is not).
    const bool reason = word.find('_') != absl::string_view::npos || word.size() >= 6;
    if (code_status == 0 || !reason || StatusOfCode(word) != 0) continue;
    const int status = StatusOfReason(word, code_status);
    code_has_reason = true;
    out.statuses.insert(status);
    auto& list = out.reasons[status];
    if (std::find(list.begin(), list.end(), word) == list.end()) list.emplace_back(word);
  }
  return out;
}

class DocumentBuilder {
 public:
  DocumentBuilder(const RouteTable& routes, const OpenApiInfo& info)
      : routes_(routes), info_(info) {}

  std::string Build();

 private:
  // The schema of a whole field: map, array or single value.
  Json FieldSchema(const FieldDescriptor& field);
  // The schema of one value of `field` (an element when it is repeated).
  Json ValueSchema(const FieldDescriptor& field);
  // A well-known type inline, or a $ref to the message's component (built later).
  Json MessageSchema(const Descriptor& message);
  // A $ref to the enum's component (built now: enums reference nothing).
  Json EnumSchema(const EnumDescriptor& enum_type);
  // The object schema of `message` without the fields at the proto paths in `excluded`.
  // With `patch`, the schema of a PATCH body: no output-only fields, none required.
  Json ObjectSchema(const Descriptor& message, const std::vector<std::string>& excluded,
                    bool patch = false);
  // The component holding a PATCH body of `message` (ObjectSchema with `patch`).
  std::string PatchSchema(const Descriptor& message);
  // The component holding the body of a body "*" route whose path sets `path_fields`.
  std::string BodySchema(const Descriptor& request, std::vector<std::string> path_fields);
  // Builds the component of every message referenced so far, and of those they reference.
  void BuildPendingSchemas();
  Json ErrorSchema() const;

  // Appends the query parameters of `message`'s fields below `proto_prefix` / `json_prefix`,
  // skipping `taken` (proto paths set by the path or the body) and messages already on `stack`
  // (a recursive message would otherwise never end).
  void AddQueryParameters(const Descriptor& message, const std::string& proto_prefix,
                          const std::string& json_prefix, const std::set<std::string>& taken,
                          std::vector<const Descriptor*>* stack, Json* parameters);
  Json Operation(const Route& route, const OpenApiPath& path, const OpenApiPath& key_path,
                 const std::string& operation_id, const std::string& tag);
  Json Responses(const Route& route, const OpenApiPath& path, const api::v1::HttpRule& rule,
                 const NamedErrors& named);
  std::string AccessText(const Route& route) const;
  Json AccessExtension(const Route& route) const;
  std::string CompositionText(const Route& route) const;
  // The reasons a partner route's signature check answers (401) and, with a partner field, its
  // access option (403), as if the RPC's comment named them.
  static void AddPartnerReasons(const Route& route, NamedErrors* named);
  std::string OpenApiKeyOf(const Route& route) const {
    return ToOpenApiPath(route.path, *route.method->input_type()).key;
  }

  template <typename D>
  std::string Comment(const D& descriptor) const {
    return CommentOf(descriptor, info_.source_info);
  }

  Json UseParameter(const std::string& name) {
    used_parameters_.insert(name);
    return Ref("parameters", name);
  }
  Json UseHeader(const std::string& name) {
    used_headers_.insert(name);
    return Ref("headers", name);
  }
  Json UseResponse(const std::string& name) {
    used_responses_.insert(name);
    return Ref("responses", name);
  }

  Json Components();

  const RouteTable& routes_;
  const OpenApiInfo& info_;

  std::map<std::string, Json> schemas_;     // component name -> schema, sorted for output
  std::vector<const Descriptor*> pending_;  // referenced messages whose schema is not built
  std::set<std::string> referenced_;        // every message/enum name referenced so far
  std::map<std::pair<const Descriptor*, std::vector<std::string>>, std::string> body_names_;
  std::map<const Descriptor*, std::string> patch_names_;
  // Every message a request can carry (the routes' inputs and what they reach).
  std::set<const Descriptor*> request_messages_;
  std::set<std::string> used_parameters_;
  std::set<std::string> used_headers_;
  std::set<std::string> used_responses_;
  // Some route takes partner signatures: the document declares their scheme.
  bool partner_routes_ = false;
};

Json DocumentBuilder::FieldSchema(const FieldDescriptor& field) {
  if (field.is_map()) {
    const Descriptor& entry = *field.message_type();
    const FieldDescriptor* key = entry.FindFieldByNumber(1);
    const FieldDescriptor* value = entry.FindFieldByNumber(2);
    Json schema = Json::Object().Set("type", "object");
    if (value != nullptr) schema.Set("additionalProperties", ValueSchema(*value));
    // JSON object keys are always strings; say what the text must hold when it is not free.
    if (key != nullptr && key->type() != FieldDescriptor::TYPE_STRING) {
      schema.Set("description",
                 absl::StrCat("Keys are ", key->type_name(), " values written as strings."));
    }
    return schema;
  }
  if (field.is_repeated()) {
    return Json::Object().Set("type", "array").Set("items", ValueSchema(field));
  }
  return ValueSchema(field);
}

Json DocumentBuilder::ValueSchema(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_ENUM:
      return EnumSchema(*field.enum_type());
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP:
      return MessageSchema(*field.message_type());
    default:
      return ScalarSchema(field.type());
  }
}

Json DocumentBuilder::MessageSchema(const Descriptor& message) {
  WellKnown well_known = WellKnownSchema(message);
  if (well_known.has) return std::move(well_known.schema);
  if (referenced_.insert(message.full_name()).second) pending_.push_back(&message);
  return Ref("schemas", message.full_name());
}

Json DocumentBuilder::EnumSchema(const EnumDescriptor& enum_type) {
  // NullValue is JSON null itself, not a string.
  if (enum_type.full_name() == "google.protobuf.NullValue") {
    Json null_only = Json::Array();
    null_only.Push(Json());
    return Json::Object()
        .Set("type", "string")
        .Set("nullable", true)
        .Set("enum", std::move(null_only))
        .Set("description", "Always null.");
  }
  if (referenced_.insert(enum_type.full_name()).second) {
    // The zero value "*_UNSPECIFIED" means "not set": never a value to send, never printed.
    Json values = Json::Array();
    for (int i = 0; i < enum_type.value_count(); ++i) {
      const EnumValueDescriptor& value = *enum_type.value(i);
      if (value.number() == 0 && absl::EndsWith(value.name(), "_UNSPECIFIED")) continue;
      values.Push(value.name());
    }
    Json schema = Json::Object().Set("type", "string");
    if (std::string comment = Comment(enum_type); !comment.empty()) {
      schema.Set("description", comment);
    }
    schema.Set("enum", std::move(values));
    schemas_[enum_type.full_name()] = std::move(schema);
  }
  return Ref("schemas", enum_type.full_name());
}

Json DocumentBuilder::ObjectSchema(const Descriptor& message,
                                   const std::vector<std::string>& excluded, bool patch) {
  std::vector<std::string> notes;
  if (std::string comment = Comment(message); !comment.empty()) notes.push_back(comment);
  Json properties = Json::Object();
  Json required = Json::Array();
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    const api::v1::FieldBehavior behavior = BehaviorOf(field);
    if (patch && behavior.output_only()) continue;
    std::vector<std::string> below;  // excluded paths inside this field
    bool skip = false;
    for (const std::string& path : excluded) {
      if (path == field.name()) skip = true;
      if (absl::StartsWith(path, field.name() + ".")) {
        below.push_back(path.substr(field.name().size() + 1));
      }
    }
    if (skip) continue;
    Json schema;
    if (!below.empty() && field.type() == FieldDescriptor::TYPE_MESSAGE && !field.is_repeated()) {
      // The path sets part of this message: describe the rest inline.
      schema = ObjectSchema(*field.message_type(), below, patch);
    } else {
      schema = FieldSchema(field);
      // A $ref's siblings are ignored in OpenAPI 3.0: a $ref that needs more is wrapped.
      const bool is_ref = !field.is_repeated() && (field.type() == FieldDescriptor::TYPE_ENUM ||
                                                   (field.type() == FieldDescriptor::TYPE_MESSAGE &&
                                                    !WellKnownSchema(*field.message_type()).has));
      if (is_ref && behavior.output_only()) {
        schema = Json::Object().Set("allOf", Json::Array().Push(std::move(schema)));
      }
      std::string comment = Comment(field);
      if (const Json* own = schema.Get("description"); own != nullptr && !comment.empty()) {
        comment = absl::StrCat(comment, "\n\n", own->string_value());
      }
      if (!comment.empty() && (!is_ref || behavior.output_only())) {
        schema.Set("description", comment);
      }
    }
    if (behavior.output_only()) schema.Set("readOnly", true);
    if (behavior.required() && !patch) {
      required.Push(field.json_name());
      if (field.type() == FieldDescriptor::TYPE_STRING && !field.is_repeated()) {
        schema.Set("minLength", 1);
      }
    } else if (!patch && !field.has_presence() &&
               (behavior.output_only() || request_messages_.count(&message) == 0)) {
      // Answers print every field without presence, at its default too (response_writer.h).
      // Required only where no request is bound by it: read-only fields (OpenAPI applies their
      // `required` to answers only) and messages no request carries.
      required.Push(field.json_name());
    }
    properties.Set(field.json_name(), std::move(schema));
  }
  // Real oneofs come first; the synthetic ones of proto3 `optional` fields say nothing.
  for (int i = 0; i < message.real_oneof_decl_count(); ++i) {
    const auto& oneof = *message.oneof_decl(i);
    std::vector<std::string> names;
    for (int f = 0; f < oneof.field_count(); ++f) names.push_back(oneof.field(f)->json_name());
    notes.push_back(absl::StrCat("At most one of ", absl::StrJoin(names, ", "), "."));
  }
  Json schema = Json::Object().Set("type", "object");
  if (!notes.empty()) schema.Set("description", absl::StrJoin(notes, "\n\n"));
  if (!required.empty()) schema.Set("required", std::move(required));
  if (!properties.empty()) schema.Set("properties", std::move(properties));
  return schema;
}

std::string DocumentBuilder::PatchSchema(const Descriptor& message) {
  auto it = patch_names_.find(&message);
  if (it != patch_names_.end()) return it->second;
  std::string base = absl::StrCat(message.full_name(), "Patch");
  std::string name = base;
  for (int n = 2; schemas_.count(name) > 0 || referenced_.count(name) > 0 ||
                  message.file()->pool()->FindMessageTypeByName(name) != nullptr;
       ++n) {
    name = absl::StrCat(base, n);
  }
  Json schema = ObjectSchema(message, {}, /*patch=*/true);
  schema.Set("description",
             absl::StrCat("The changes to a ", message.full_name(),
                          ": the fields named by updateMask, or every field sent when it is "
                          "omitted. Fields the server sets are not part of it; none is required."));
  schemas_[name] = std::move(schema);
  referenced_.insert(name);
  patch_names_[&message] = name;
  return name;
}

std::string DocumentBuilder::BodySchema(const Descriptor& request,
                                        std::vector<std::string> path_fields) {
  std::sort(path_fields.begin(), path_fields.end());
  auto key = std::make_pair(&request, path_fields);
  auto it = body_names_.find(key);
  if (it != body_names_.end()) return it->second;
  // "<Message>Body", numbered when another route's path sets other fields of the same message,
  // or a real message already has the name.
  std::string base = absl::StrCat(request.full_name(), "Body");
  std::string name = base;
  for (int n = 2; schemas_.count(name) > 0 || referenced_.count(name) > 0 ||
                  request.file()->pool()->FindMessageTypeByName(name) != nullptr;
       ++n) {
    name = absl::StrCat(base, n);
  }
  std::vector<std::string> json_fields;
  for (const std::string& field : path_fields) json_fields.push_back(JsonPath(request, field));
  Json schema = ObjectSchema(request, path_fields);
  schema.Set("description", absl::StrCat(request.full_name(), " without the fields the path sets (",
                                         absl::StrJoin(json_fields, ", "), ")."));
  schemas_[name] = std::move(schema);
  referenced_.insert(name);
  body_names_[key] = name;
  return name;
}

void DocumentBuilder::BuildPendingSchemas() {
  while (!pending_.empty()) {
    const Descriptor* message = pending_.back();
    pending_.pop_back();
    schemas_[message->full_name()] = ObjectSchema(*message, {});
  }
}

Json DocumentBuilder::ErrorSchema() const {
  Json string = Json::Object().Set("type", "string");
  Json violation = Json::Object()
                       .Set("type", "object")
                       .Set("required", Json::ArrayOf({"field", "description"}))
                       .Set("properties",
                            Json::Object()
                                .Set("field", Json::Object()
                                                  .Set("type", "string")
                                                  .Set("description",
                                                       "The field's JSON path in the request, e.g. "
                                                       "\"lines[0].quantity\"."))
                                .Set("description", string));
  Json error =
      Json::Object()
          .Set("type", "object")
          .Set("required", Json::ArrayOf({"code", "status", "reason", "message", "requestId"}))
          .Set("properties",
               Json::Object()
                   .Set("code", Json::Object()
                                    .Set("type", "integer")
                                    .Set("format", "int32")
                                    .Set("description", "The HTTP status, e.g. 400."))
                   .Set("status",
                        Json::Object()
                            .Set("type", "string")
                            .Set("description", "The gRPC code's name, e.g. \"INVALID_ARGUMENT\"."))
                   .Set("reason", Json::Object()
                                      .Set("type", "string")
                                      .Set("description",
                                           "UPPER_SNAKE reason, stable across versions, e.g. "
                                           "\"FIELD_INVALID\"; may be empty."))
                   .Set("message", Json::Object()
                                       .Set("type", "string")
                                       .Set("description", "For people, not for programs."))
                   .Set("fieldViolations",
                        Json::Object().Set("type", "array").Set("items", std::move(violation)))
                   .Set("requestId", Json::Object()
                                         .Set("type", "string")
                                         .Set("description", "Same as the X-Request-Id header.")));
  return Json::Object()
      .Set("type", "object")
      .Set("description", "The one shape of every error answer.")
      .Set("required", Json::ArrayOf({"error"}))
      .Set("properties", Json::Object().Set("error", std::move(error)));
}

void DocumentBuilder::AddQueryParameters(const Descriptor& message, const std::string& proto_prefix,
                                         const std::string& json_prefix,
                                         const std::set<std::string>& taken,
                                         std::vector<const Descriptor*>* stack, Json* parameters) {
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    const std::string proto_path = proto_prefix + field.name();
    const std::string json_path = json_prefix + field.json_name();
    if (taken.count(proto_path) > 0 || field.is_map()) continue;
    Json schema;
    if (field.type() == FieldDescriptor::TYPE_MESSAGE) {
      const Descriptor& type = *field.message_type();
      if (IsWrapper(type.full_name())) {
        // In a query the value is never null: the wrapped scalar, without `nullable`.
        schema = ScalarSchema(type.FindFieldByName("value")->type(), /*in_query=*/true);
      } else if (IsQueryableMessage(type.full_name())) {
        schema = MessageSchema(type);
      } else {
        // Other well-known types and repeated messages cannot be spelled in a query string.
        if (field.is_repeated() || WellKnownSchema(type).has) continue;
        if (std::find(stack->begin(), stack->end(), &type) != stack->end()) continue;
        stack->push_back(&type);
        AddQueryParameters(type, proto_path + ".", json_path + ".", taken, stack, parameters);
        stack->pop_back();
        continue;
      }
    } else if (field.type() == FieldDescriptor::TYPE_GROUP) {
      continue;
    } else if (field.type() == FieldDescriptor::TYPE_ENUM) {
      schema = EnumSchema(*field.enum_type());
    } else {
      schema = ScalarSchema(field.type(), /*in_query=*/true);
    }
    Json parameter = Json::Object().Set("name", json_path).Set("in", "query");
    if (std::string comment = Comment(field); !comment.empty()) {
      parameter.Set("description", comment);
    }
    if (field.is_repeated()) {
      parameter.Set("style", "form").Set("explode", true);
      schema = Json::Object().Set("type", "array").Set("items", std::move(schema));
    }
    parameter.Set("schema", std::move(schema));
    parameters->Push(std::move(parameter));
  }
}

std::string DocumentBuilder::AccessText(const Route& route) const {
  const api::v1::Access& access = route.access;
  if (access.anonymous()) return "Access: anyone; no token needed.";
  if (access.authentication() == api::v1::Access::PARTNER_SIGNATURE) {
    std::string text =
        "Access: partners, with a signed request (`X-Partner-Id`, `X-Timestamp`, `X-Signature`: "
        "the partnerSignature scheme), no token.";
    if (!access.partner_field().empty()) {
      absl::StrAppend(&text, " `", JsonPath(*route.method->input_type(), access.partner_field()),
                      "` must be the calling partner (else 403 PARTNER_MISMATCH).");
    }
    return text;
  }
  if (access.roles().empty()) return "Access: no role may call this over REST.";
  std::vector<std::string> roles;
  for (int value : access.roles()) {
    std::string role = platform::RoleName(api::v1::Access::Role(value));
    roles.push_back(
        role == "customer" && !access.owner_field().empty() ? "customer (own records only)" : role);
  }
  std::string text = absl::StrCat("Roles: ", absl::StrJoin(roles, ", "), ".");
  if (!access.owner_field().empty()) {
    absl::StrAppend(&text, " The record's owner is the customer named by `",
                    JsonPath(*route.method->input_type(), access.owner_field()), "`.");
  }
  return text;
}

Json DocumentBuilder::AccessExtension(const Route& route) const {
  Json roles = Json::Array();
  for (int role : route.access.roles()) {
    roles.Push(platform::RoleName(api::v1::Access::Role(role)));
  }
  Json access =
      Json::Object().Set("anonymous", route.access.anonymous()).Set("roles", std::move(roles));
  if (!route.access.owner_field().empty()) {
    access.Set("ownerField", JsonPath(*route.method->input_type(), route.access.owner_field()));
  }
  if (route.access.authentication() != api::v1::Access::BEARER) {
    access.Set("authentication",
               api::v1::Access::Authentication_Name(route.access.authentication()));
  }
  if (!route.access.partner_field().empty()) {
    access.Set("partnerField", JsonPath(*route.method->input_type(), route.access.partner_field()));
  }
  return access;
}

std::string DocumentBuilder::CompositionText(const Route& route) const {
  std::vector<std::string> required, optional;
  for (const ComposedPart& part : route.parts) {
    (part.required ? required : optional).push_back(absl::StrCat("`", part.name, "`"));
  }
  std::string text = "Composed by the gateway from parts called at once.";
  if (!required.empty()) {
    absl::StrAppend(&text, " Without ", absl::StrJoin(required, ", "),
                    " there is no answer (its error is the answer's).");
  }
  if (!optional.empty() && route.degraded != nullptr) {
    absl::StrAppend(&text, " ", absl::StrJoin(optional, ", "),
                    " may be missing (failed, too slow, or not available yet): the answer then "
                    "names them in `",
                    route.degraded->json_name(), "`.");
  }
  return text;
}

void DocumentBuilder::AddPartnerReasons(const Route& route, NamedErrors* named) {
  auto add = [&](int status, const char* reason) {
    named->statuses.insert(status);
    std::vector<std::string>& reasons = named->reasons[status];
    if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
      reasons.push_back(reason);
    }
  };
  for (const char* reason : {"SIGNATURE_MISSING", "SIGNATURE_INVALID", "SIGNATURE_EXPIRED"}) {
    add(401, reason);
  }
  if (!route.access.partner_field().empty()) add(403, "PARTNER_MISMATCH");
}

Json DocumentBuilder::Responses(const Route& route, const OpenApiPath& path,
                                const api::v1::HttpRule& rule, const NamedErrors& named) {
  const Descriptor& output = *route.method->output_type();
  Json success = Json::Object().Set("description", SuccessDescription(route.success_code));
  Json headers = Json::Object();
  if (route.success_code == 201 && route.location != nullptr) {
    headers.Set(
        "Location",
        Json::Object()
            .Set("description", absl::StrCat("Where the created resource is read: GET ",
                                             OpenApiKeyOf(*route.location), "."))
            .Set("required", true)
            .Set("schema", Json::Object().Set("type", "string").Set("format", "uri-reference")));
  }
  if (HasEtag(output)) headers.Set("ETag", UseHeader("ETag"));
  headers.Set("X-Request-Id", UseHeader("XRequestId"));
  success.Set("headers", std::move(headers));
  if (route.success_code != 204) {
    success.Set("content", Json::Object().Set("application/json",
                                              Json::Object().Set("schema", MessageSchema(output))));
  }

  // What the gateway itself may answer on any route: a malformed request (400), the rate limit
  // (429), headers too large (431), a Transfer-Encoding other than chunked (501), an unreadable
  // (502), failed (500), missing (503) or slow (504) service.
  std::set<int> codes = {400, 429, 431, 500, 501, 502, 503, 504};
  if (!route.access.anonymous()) codes.insert({401, 403});  // no or a bad token; a role refused
  // A record named by the path may not exist, and another customer's is "not found".
  if (!path.variables.empty() || !route.access.owner_field().empty()) codes.insert(404);
  // Writes are transactions: a contended one is ABORTED.
  if (route.http_method != "GET") codes.insert(409);
  if (rule.if_match()) codes.insert(412);
  // A body too large, or not JSON: routes that take one, and writes without one (which accept an
  // empty body or {}, so a client may send one).
  if (!route.body.empty() || route.http_method != "GET") codes.insert({413, 415});
  if (rule.idempotency_key() != api::v1::HttpRule::NONE) {
    codes.insert(409);
    // Anonymous callers share one scope keyed by the body too: another body is another request.
    if (!route.access.anonymous()) codes.insert(422);
  }
  // And what the RPC's comment names (e.g. 401 INVALID_CREDENTIALS at login).
  codes.insert(named.statuses.begin(), named.statuses.end());

  Json responses = Json::Object().Set(absl::StrCat(route.success_code), std::move(success));
  for (int code : codes)
    responses.Set(absl::StrCat(code), UseResponse(ErrorResponseFor(code).name));
  return responses;
}

Json DocumentBuilder::Operation(const Route& route, const OpenApiPath& path,
                                const OpenApiPath& key_path, const std::string& operation_id,
                                const std::string& tag) {
  const MethodDescriptor& method = *route.method;
  const Descriptor& input = *method.input_type();
  const api::v1::HttpRule rule = HttpRuleOf(method);
  // Only where the RPC checks them: a route without an etag to check or a write to repeat does
  // not ask for the header.
  const bool if_match = route.if_match;
  const api::v1::HttpRule::IdempotencyKey idempotency = rule.idempotency_key();

  std::string comment = Comment(method);
  const bool partner = route.access.authentication() == api::v1::Access::PARTNER_SIGNATURE;
  NamedErrors named = ErrorsNamedIn(comment);
  if (partner) AddPartnerReasons(route, &named);
  std::vector<std::string> description;
  if (!comment.empty()) description.push_back(comment);
  description.push_back(AccessText(route));
  if (!route.parts.empty()) description.push_back(CompositionText(route));
  description.push_back(absl::StrCat("gRPC: `", route.grpc_method, "`."));

  std::string summary = SummaryOf(comment);
  if (summary.empty()) summary = NameInWords(method.name());
  Json op = Json::Object()
                .Set("tags", Json::ArrayOf({tag}))
                .Set("summary", summary)
                .Set("description", absl::StrJoin(description, "\n\n"))
                .Set("operationId", operation_id);

  Json parameters = Json::Array();
  std::set<std::string> taken;
  for (size_t i = 0; i < path.variables.size(); ++i) {
    const OpenApiPath::Variable& variable = path.variables[i];
    taken.insert(variable.field);
    // The path item's key may come from another route of the same shape: its names win.
    const std::string& name = key_path.variables[i].json_name;
    std::vector<std::string> notes;
    if (name != variable.json_name) {
      notes.push_back(absl::StrCat("Sets the request field `", variable.json_name, "`."));
    }
    notes.push_back(variable.rest ? "The rest of the path: may contain '/', which is sent as is."
                                  : "One path segment: a '/' in the value is sent as %2F.");
    const FieldDescriptor* field = FieldAt(input, variable.field);
    Json parameter = Json::Object()
                         .Set("name", name)
                         .Set("in", "path")
                         .Set("required", true)
                         .Set("description", absl::StrJoin(notes, " "))
                         .Set("schema", field == nullptr ? Json::Object().Set("type", "string")
                                        : field->type() == FieldDescriptor::TYPE_ENUM
                                            ? EnumSchema(*field->enum_type())
                                            : ScalarSchema(field->type(), /*in_query=*/true));
    parameters.Push(std::move(parameter));
  }
  if (route.body != "*") {
    if (!route.body.empty()) taken.insert(route.body);
    std::vector<const Descriptor*> stack = {&input};
    AddQueryParameters(input, "", "", taken, &stack, &parameters);
  }
  if (idempotency == api::v1::HttpRule::OPTIONAL) parameters.Push(UseParameter("IdempotencyKey"));
  if (idempotency == api::v1::HttpRule::REQUIRED) {
    parameters.Push(UseParameter("IdempotencyKeyRequired"));
  }
  if (if_match) parameters.Push(UseParameter("IfMatch"));
  if (partner) {
    parameters.Push(UseParameter("XPartnerId"));
    parameters.Push(UseParameter("XTimestamp"));
  }
  parameters.Push(UseParameter("XRequestId"));
  op.Set("parameters", std::move(parameters));

  if (!route.body.empty()) {
    Json schema;
    bool has_content = true;
    if (route.body == "*") {
      std::vector<std::string> path_fields;
      for (const auto& variable : path.variables) path_fields.push_back(variable.field);
      schema = path_fields.empty() ? MessageSchema(input)
                                   : Ref("schemas", BodySchema(input, path_fields));
      // When the path sets every field, the body may be left out altogether.
      has_content = input.field_count() > static_cast<int>(path_fields.size());
    } else {
      const FieldDescriptor* field = input.FindFieldByName(route.body);
      if (field == nullptr) {
        schema = Json::Object().Set("type", "object");
      } else if (route.http_method == "PATCH" && field->type() == FieldDescriptor::TYPE_MESSAGE &&
                 !WellKnownSchema(*field->message_type()).has) {
        // A partial update: its own schema, without the fields the server sets or requires.
        schema = Ref("schemas", PatchSchema(*field->message_type()));
      } else {
        schema = FieldSchema(*field);
      }
    }
    op.Set(
        "requestBody",
        Json::Object()
            .Set("required", has_content)
            .Set("content", Json::Object().Set("application/json",
                                               Json::Object().Set("schema", std::move(schema)))));
  }

  if (route.body.empty() && route.http_method != "GET") {
    // A write that takes no body accepts an empty one and {} (API.md), nothing else.
    op.Set(
        "requestBody",
        Json::Object()
            .Set("description", "None: leave the body out, or send {}.")
            .Set("required", false)
            .Set("content",
                 Json::Object().Set(
                     "application/json",
                     Json::Object().Set(
                         "schema", Json::Object().Set("type", "object").Set("maxProperties", 0)))));
  }

  op.Set("responses", Responses(route, path, rule, named));
  Json security = Json::Array();
  if (partner) {
    partner_routes_ = true;
    security.Push(Json::Object().Set("partnerSignature", Json::Array()));
  } else if (!route.access.anonymous()) {
    security.Push(Json::Object().Set("bearerAuth", Json::Array()));
  }
  op.Set("security", std::move(security));
  op.Set("x-crm-access", AccessExtension(route));
  if (!route.parts.empty()) {
    // What `degraded` may name, and what the answer cannot do without.
    Json parts = Json::Array();
    for (const ComposedPart& part : route.parts) {
      parts.Push(Json::Object().Set("name", part.name).Set("required", part.required));
    }
    op.Set("x-crm-parts", std::move(parts));
  }
  if (!named.reasons.empty()) {
    // The error reasons the RPC's comment names, by HTTP status (the Error's `reason`).
    Json reasons = Json::Object();
    for (const auto& [status, list] : named.reasons) {
      reasons.Set(absl::StrCat(status), Json::ArrayOf(list));
    }
    op.Set("x-crm-reasons", std::move(reasons));
  }
  return op;
}

Json DocumentBuilder::Components() {
  BuildPendingSchemas();
  Json components = Json::Object();

  Json schemas = Json::Object();
  schemas.Set("Error", ErrorSchema());
  for (auto& [name, schema] : schemas_) schemas.Set(name, std::move(schema));
  components.Set("schemas", std::move(schemas));

  Json parameters = Json::Object();
  constexpr char kIdempotency[] =
      "Makes a retry safe: the same key with the same body gets the same answer for 24 hours; "
      "while the first call still runs 409; with another body 422, for a caller with a token "
      "(without one, another body is simply another request).";
  for (bool required : {false, true}) {
    std::string name = required ? "IdempotencyKeyRequired" : "IdempotencyKey";
    if (!used_parameters_.count(name)) continue;
    parameters.Set(
        name,
        Json::Object()
            .Set("name", "Idempotency-Key")
            .Set("in", "header")
            .Set("required", required)
            .Set("description",
                 required ? absl::StrCat(kIdempotency,
                                         " Required here (money or points move): a call "
                                         "without one answers 400 IDEMPOTENCY_KEY_MISSING.")
                          : std::string(kIdempotency))
            .Set("schema",
                 Json::Object().Set("type", "string").Set("minLength", 1).Set("maxLength", 255)));
  }
  if (used_parameters_.count("IfMatch")) {
    parameters.Set("IfMatch",
                   Json::Object()
                       .Set("name", "If-Match")
                       .Set("in", "header")
                       .Set("required", false)
                       .Set("description",
                            "The etag last read (the ETag header, quoted or not); a stale one "
                            "is refused with 412. Absent or \"*\": no check.")
                       .Set("schema", Json::Object().Set("type", "string")));
  }
  if (used_parameters_.count("XPartnerId")) {
    parameters.Set(
        "XPartnerId",
        Json::Object()
            .Set("name", "X-Partner-Id")
            .Set("in", "header")
            .Set("required", true)
            .Set("description",
                 "The partner's id (its carrier id): 1 to 64 letters, digits, '.', "
                 "'_' or '-'. Signed requests only.")
            .Set("schema",
                 Json::Object().Set("type", "string").Set("pattern", "^[A-Za-z0-9._-]{1,64}$")));
    parameters.Set(
        "XTimestamp",
        Json::Object()
            .Set("name", "X-Timestamp")
            .Set("in", "header")
            .Set("required", true)
            .Set("description",
                 "When the request was signed, in Unix seconds; refused (401 "
                 "SIGNATURE_EXPIRED) more than 300 s from the gateway's time.")
            .Set("schema", Json::Object().Set("type", "string").Set("pattern", "^[0-9]{1,12}$")));
  }
  if (used_parameters_.count("XRequestId")) {
    parameters.Set("XRequestId",
                   Json::Object()
                       .Set("name", "X-Request-Id")
                       .Set("in", "header")
                       .Set("required", false)
                       .Set("description",
                            "Kept as the request's id when it is 1 to 128 printable ASCII "
                            "characters; otherwise the gateway makes one. Echoed in the answer, "
                            "except by 431, which the gateway gives before it has read the "
                            "request's headers: it carries an id the gateway made.")
                       .Set("schema", Json::Object().Set("type", "string").Set("maxLength", 128)));
  }
  if (!parameters.empty()) components.Set("parameters", std::move(parameters));

  Json headers = Json::Object();
  if (used_headers_.count("ETag")) {
    headers.Set("ETag", Json::Object()
                            .Set("description",
                                 "The record's etag, quoted; send it back as If-Match to update.")
                            .Set("required", true)
                            .Set("schema", Json::Object().Set("type", "string")));
  }
  if (used_responses_.count("TooManyRequests")) {
    headers.Set("RetryAfter",
                Json::Object()
                    .Set("description", "Seconds to wait before retrying, when known.")
                    .Set("schema", Json::Object().Set("type", "integer").Set("minimum", 0)));
  }
  if (used_responses_.count("Unavailable")) {
    headers.Set("RetryAfterAlways",
                Json::Object()
                    .Set("description", "Seconds to wait before retrying.")
                    .Set("required", true)
                    .Set("schema", Json::Object().Set("type", "integer").Set("minimum", 0)));
  }
  if (!used_headers_.empty() || !used_responses_.empty()) {
    headers.Set("XRequestId", Json::Object()
                                  .Set("description",
                                       "The request's id, as sent or as made (431: always "
                                       "made); the same as the error's requestId.")
                                  .Set("required", true)
                                  .Set("schema", Json::Object().Set("type", "string")));
  }
  if (!headers.empty()) components.Set("headers", std::move(headers));

  Json responses = Json::Object();
  for (const ErrorResponse& e : kErrorResponses) {
    if (used_responses_.count(e.name) == 0) continue;
    Json response_headers = Json::Object();
    if (e.code == 429) response_headers.Set("Retry-After", Ref("headers", "RetryAfter"));
    if (e.code == 503) response_headers.Set("Retry-After", Ref("headers", "RetryAfterAlways"));
    response_headers.Set("X-Request-Id", Ref("headers", "XRequestId"));
    responses.Set(e.name,
                  Json::Object()
                      .Set("description", e.description)
                      .Set("headers", std::move(response_headers))
                      .Set("content", Json::Object().Set(
                                          "application/json",
                                          Json::Object().Set("schema", Ref("schemas", "Error")))));
  }
  if (!responses.empty()) components.Set("responses", std::move(responses));

  Json schemes = Json::Object().Set("bearerAuth", Json::Object()
                                                      .Set("type", "http")
                                                      .Set("scheme", "bearer")
                                                      .Set("bearerFormat", "JWT")
                                                      .Set("description",
                                                           "An access token from POST "
                                                           "/v1/auth/login."));
  if (partner_routes_) {
    schemes.Set(
        "partnerSignature",
        Json::Object()
            .Set("type", "apiKey")
            .Set("in", "header")
            .Set("name", "X-Signature")
            .Set("description",
                 "A partner's signed request: X-Signature is HMAC-SHA256, keyed with one of the "
                 "partner's secrets, of four lines joined by \"\\n\": the method, the request "
                 "target exactly as sent (path and query), X-Timestamp exactly as sent, and the "
                 "lower-case hex SHA-256 of the body's bytes (of the empty string when there is "
                 "none); sent as 64 hex digits or in base64. With X-Partner-Id and X-Timestamp "
                 "(Unix seconds, within 300 s). Refused with 401 SIGNATURE_MISSING, "
                 "SIGNATURE_INVALID or SIGNATURE_EXPIRED naming the header."));
  }
  components.Set("securitySchemes", std::move(schemes));
  return components;
}

// The name every route's operation gets: the RPC's name, unless several RPCs share it.
std::vector<std::string> OperationIds(const RouteTable& routes) {
  const auto& all = routes.routes();
  std::map<std::string, int> count;
  for (const auto& route : all) ++count[route->method->name()];
  std::map<std::string, int> suffixed_count;
  std::vector<std::string> ids;
  for (const auto& route : all) {
    const MethodDescriptor& method = *route->method;
    ids.push_back(count[method.name()] > 1
                      ? absl::StrCat(method.name(), "_", method.service()->name())
                      : method.name());
    ++suffixed_count[ids.back()];
  }
  // Services of one short name in two packages: fall back to the full service name.
  for (size_t i = 0; i < all.size(); ++i) {
    if (suffixed_count[ids[i]] > 1) {
      ids[i] =
          absl::StrCat(all[i]->method->name(), "_",
                       absl::StrReplaceAll(all[i]->method->service()->full_name(), {{".", "_"}}));
    }
  }
  return ids;
}

std::string DocumentBuilder::Build() {
  const auto& all = routes_.routes();
  std::vector<const Descriptor*> to_walk;
  for (const auto& route : all) to_walk.push_back(route->method->input_type());
  while (!to_walk.empty()) {
    const Descriptor* message = to_walk.back();
    to_walk.pop_back();
    if (!request_messages_.insert(message).second) continue;
    for (int i = 0; i < message->field_count(); ++i) {
      if (const Descriptor* type = message->field(i)->message_type()) to_walk.push_back(type);
    }
  }
  const std::vector<std::string> operation_ids = OperationIds(routes_);

  // Tags: one per service, by short name unless two services share it.
  std::vector<const ServiceDescriptor*> services;
  std::map<std::string, int> short_names;
  for (const auto& route : all) {
    const ServiceDescriptor* service = route->method->service();
    if (std::find(services.begin(), services.end(), service) == services.end()) {
      services.push_back(service);
      ++short_names[service->name()];
    }
  }
  std::map<const ServiceDescriptor*, std::string> tag_of;
  Json tags = Json::Array();
  for (const ServiceDescriptor* service : services) {
    std::string name = short_names[service->name()] > 1 ? service->full_name() : service->name();
    std::string comment = Comment(*service);
    tags.Push(Json::Object()
                  .Set("name", name)
                  .Set("description", comment.empty()
                                          ? absl::StrCat("The RPCs of ", service->full_name(), ".")
                                          : comment));
    tag_of[service] = name;
  }

  // Path items in the order their first route was declared. OpenAPI cannot tell "{a}" from
  // "{b}" (nor from "{a=**}") at one position, so routes of one shape share an item, keyed by
  // the first route's names; a second route of one method there cannot be described.
  struct PathItem {
    OpenApiPath key_path;
    std::map<std::string, Json> operations;  // lower-case method -> operation
  };
  std::vector<PathItem> items;
  std::map<std::string, size_t> item_of_shape;
  Json shadowed = Json::Array();
  for (size_t i = 0; i < all.size(); ++i) {
    const Route& route = *all[i];
    OpenApiPath path = ToOpenApiPath(route.path, *route.method->input_type());
    auto [it, inserted] = item_of_shape.emplace(path.shape, items.size());
    if (inserted) items.push_back({path, {}});
    PathItem& item = items[it->second];
    std::string method = absl::AsciiStrToLower(route.http_method);
    if (item.operations.count(method) > 0) {
      shadowed.Push(absl::StrCat(route.http_method, " ", route.path.text(), " (",
                                 route.method->full_name(), ")"));
      continue;
    }
    item.operations[method] =
        Operation(route, path, item.key_path, operation_ids[i], tag_of[route.method->service()]);
  }
  Json paths = Json::Object();
  for (PathItem& item : items) {
    Json operations = Json::Object();
    // The order of the OpenAPI spec's Path Item fields.
    for (const char* method : {"get", "put", "post", "delete", "patch"}) {
      auto it = item.operations.find(method);
      if (it != item.operations.end()) operations.Set(method, std::move(it->second));
    }
    paths.Set(item.key_path.key, std::move(operations));
  }

  std::string description =
      "The CRM's REST API, generated from the gateway's route table.\n\n"
      "- JSON field names are lowerCamelCase; enum values are strings (never the "
      "`*_UNSPECIFIED` zero value); int64 and uint64 values are printed as strings and "
      "accepted as strings or numbers; times are RFC 3339 UTC. Answers carry every "
      "field, at its default too (\"\", 0, false, [], {}), except unset messages "
      "(e.g. a time never set) and unset `optional` fields, which are absent.\n"
      "- A request must carry its `required` fields (not empty); an answer always "
      "carries its `required` ones. `readOnly` fields are set by the server and left "
      "out of requests; a PATCH body (`...Patch`) changes the fields named by "
      "`updateMask`, or every field it carries when that is omitted.\n"
      "- Calls that need a caller take `Authorization: Bearer <jwt>`; each operation "
      "lists the roles it admits (`x-crm-access`).\n"
      "- `Idempotency-Key` makes a POST safe to retry where an operation declares it; "
      "`If-Match` guards the updates and deletes that declare it (stale: 412); "
      "`X-Request-Id` is echoed or made.\n"
      "- Each operation lists every status it can answer; `x-crm-reasons` lists the "
      "error reasons its RPC names, by status.\n"
      "- Lists take `pageSize` and `pageToken` and answer `nextPageToken`.\n"
      "- Every error has the `Error` shape.";
  if (partner_routes_) {
    absl::StrAppend(&description,
                    "\n- Partner routes (`partnerSignature`) take a signed request instead of a "
                    "token: `X-Partner-Id`, `X-Timestamp`, `X-Signature`.");
  }
  Json document = Json::Object().Set("openapi", "3.0.3");
  document.Set("info", Json::Object()
                           .Set("title", info_.title)
                           .Set("version", info_.version)
                           .Set("description", description));
  if (!info_.server_url.empty()) {
    document.Set("servers", Json::Array().Push(Json::Object().Set("url", info_.server_url)));
  }
  document.Set("tags", std::move(tags));
  document.Set("paths", std::move(paths));
  document.Set("components", Components());
  if (!shadowed.empty()) document.Set("x-crm-undocumented-routes", std::move(shadowed));

  std::string out;
  document.Write(&out, 0);
  out += '\n';
  return out;
}

}  // namespace

std::string OpenApiDocument(const RouteTable& routes, const OpenApiInfo& info) {
  return DocumentBuilder(routes, info).Build();
}

const DescriptorPool& GeneratedSourceInfo() {
  static const DescriptorPool* const kPool = [] {
    auto* pool = new DescriptorPool();
    google::protobuf::FileDescriptorSet set;
    if (set.ParseFromArray(crm::ProtoDescriptorSet().data(),
                           static_cast<int>(crm::ProtoDescriptorSet().size()))) {
      // protoc lists every file after its imports; a file that does not build is skipped.
      for (const auto& file : set.file()) pool->BuildFile(file);
    }
    return pool;
  }();
  return *kPool;
}

}  // namespace crm::gateway
