#include "gateway/transcoding/response_writer.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "platform/base/errors.h"
#include "platform/base/log.h"

namespace crm::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The value of the singular field at dotted proto path `path`, as text; nullopt when the path
// does not name a set, non-empty string, integer or enum field.
std::optional<std::string> FieldText(const Message& root, absl::string_view path) {
  const Message* msg = &root;
  std::vector<absl::string_view> segments = absl::StrSplit(path, '.');
  for (size_t i = 0; i < segments.size(); ++i) {
    const FieldDescriptor* f = msg->GetDescriptor()->FindFieldByName(std::string(segments[i]));
    if (f == nullptr || f->is_repeated()) return std::nullopt;
    const auto* r = msg->GetReflection();
    if (i + 1 < segments.size()) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || !r->HasField(*msg, f)) {
        return std::nullopt;
      }
      msg = &r->GetMessage(*msg, f);
      continue;
    }
    std::string text;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (f->type() == FieldDescriptor::TYPE_BYTES) return std::nullopt;
        text = r->GetString(*msg, f);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        text = absl::StrCat(r->GetInt32(*msg, f));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        text = absl::StrCat(r->GetInt64(*msg, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        text = absl::StrCat(r->GetUInt32(*msg, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        text = absl::StrCat(r->GetUInt64(*msg, f));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        text = r->GetEnum(*msg, f)->name();
        break;
      default:
        return std::nullopt;
    }
    // A zero id is as absent as an empty one: proto3 cannot tell them apart.
    if (text.empty() ||
        (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING && !r->HasField(*msg, f))) {
      return std::nullopt;
    }
    return text;
  }
  return std::nullopt;
}

// RFC 3986 unreserved characters pass; everything else is %XX, so a value cannot add segments,
// a query or a verb (':') to the path. `keep_slash` for "{name=**}" captures.
std::string PercentEncode(absl::string_view value, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ResponseJson(const Message& response) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.always_print_enums_as_ints = false;
  options.preserve_proto_field_names = false;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(response, &json, options);
  if (!status.ok()) {
    platform::LogError("response could not be printed as JSON",
                       {{"type", response.GetDescriptor()->full_name()},
                        {"detail", std::string(status.message().data(), status.message().size())}});
    return platform::Error(absl::StatusCode::kInternal, platform::kReasonInternal,
                           "the response could not be rendered");
  }
  return json;
}

std::string EtagOf(const Message& response) {
  const FieldDescriptor* f = response.GetDescriptor()->FindFieldByName("etag");
  if (f == nullptr || f->is_repeated() || f->type() != FieldDescriptor::TYPE_STRING) return "";
  return response.GetReflection()->GetString(response, f);
}

std::optional<std::string> ExpandPath(absl::string_view path_template, const Message& response) {
  std::string out;
  size_t pos = 0;
  while (pos < path_template.size()) {
    size_t open = path_template.find_first_of("{}", pos);
    if (open == absl::string_view::npos) {
      absl::StrAppend(&out, path_template.substr(pos));
      break;
    }
    if (path_template[open] == '}') return std::nullopt;
    size_t close = path_template.find_first_of("{}", open + 1);
    if (close == absl::string_view::npos || path_template[close] == '{') return std::nullopt;
    absl::StrAppend(&out, path_template.substr(pos, open - pos));
    absl::string_view capture = path_template.substr(open + 1, close - open - 1);
    absl::string_view field = capture.substr(0, capture.find('='));
    bool keep_slash = absl::StrContains(capture, "**");
    std::optional<std::string> value = FieldText(response, field);
    if (!value) return std::nullopt;
    absl::StrAppend(&out, PercentEncode(*value, keep_slash));
    pos = close + 1;
  }
  return out;
}

}  // namespace crm::gateway
