#include "gateway/routing/composition.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

constexpr char kDefaultDegraded[] = "degraded";

bool ValidName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-' && c != '_') return false;
  }
  return true;
}

// What a field holds, as a type: two fields alike can be copied one into the other.
bool SameType(const FieldDescriptor& a, const FieldDescriptor& b) {
  return a.is_repeated() == b.is_repeated() && a.type() == b.type() &&
         a.message_type() == b.message_type() && a.enum_type() == b.enum_type();
}

std::string TypeName(const FieldDescriptor& field) {
  std::string type = field.message_type() ? field.message_type()->full_name()
                     : field.enum_type()  ? field.enum_type()->full_name()
                                          : std::string(field.type_name());
  return field.is_repeated() ? absl::StrCat("repeated ", type) : type;
}

class Reader {
 public:
  Reader(const MethodDescriptor& method, const api::v1::Composition::Part& part)
      : method_(method), part_(part) {}

  absl::Status Error(absl::string_view problem) const {
    return absl::FailedPreconditionError(absl::StrCat(
        "RPC ", method_.full_name(), ": composed part \"", part_.name(), "\" ", problem));
  }

  // The top-level field `name` of `message`, or an error naming `role` ("request field", ...).
  absl::StatusOr<const FieldDescriptor*> Field(const Descriptor& message, absl::string_view name,
                                               absl::string_view role) const {
    const FieldDescriptor* field = message.FindFieldByName(std::string(name));
    if (field == nullptr) {
      return Error(absl::StrCat("names ", role, " \"", name, "\", not a top-level field of ",
                                message.full_name()));
    }
    return field;
  }

  absl::Status Alike(const FieldDescriptor& to, const FieldDescriptor& from) const {
    if (SameType(to, from)) return absl::OkStatus();
    return Error(absl::StrCat("copies ", from.full_name(), " (", TypeName(from), ") into ",
                              to.full_name(), " (", TypeName(to), ")"));
  }

  absl::StatusOr<ComposedPart> Read() const {
    ComposedPart out;
    out.name = part_.name();
    out.required = part_.required();
    if (part_.timeout_ms() < 0) return Error("has a negative timeout_ms");
    out.timeout = absl::Milliseconds(part_.timeout_ms());
    if (part_.method().empty()) {
      if (part_.required() || part_.request_size() > 0 || !part_.from().empty() ||
          !part_.into().empty()) {
        return Error("names no method, so it takes no request, from, into or required");
      }
      return out;
    }
    std::string full_name = part_.method();
    std::replace(full_name.begin(), full_name.end(), '/', '.');
    out.method = method_.file()->pool()->FindMethodByName(full_name);
    if (out.method == nullptr || part_.method().find('/') == std::string::npos) {
      return Error(absl::StrCat("names method \"", part_.method(),
                                "\", which is not a known package.Service/Method"));
    }
    if (out.method->client_streaming() || out.method->server_streaming()) {
      return Error("names a streaming method");
    }
    out.area = AreaOf(*out.method->service());
    if (out.area.empty()) return Error("names a method outside a crm.<area>.<version> package");
    out.grpc_method = absl::StrCat("/", part_.method());

    for (const std::string& entry : part_.request()) {
      std::vector<absl::string_view> names = absl::StrSplit(entry, absl::MaxSplits('=', 1));
      absl::string_view route_name = names.size() == 2 ? names[1] : names[0];
      auto to = Field(*out.method->input_type(), names[0], "request field");
      if (!to.ok()) return to.status();
      auto from = Field(*method_.input_type(), route_name, "route request field");
      if (!from.ok()) return from.status();
      if (absl::Status alike = Alike(**to, **from); !alike.ok()) return alike;
      out.request.emplace_back(*to, *from);
    }

    const Descriptor& answer = *out.method->output_type();
    const Descriptor& route_answer = *method_.output_type();
    if (!part_.from().empty()) {
      auto from = Field(answer, part_.from(), "from");
      if (!from.ok()) return from.status();
      out.from = *from;
    }
    if (!part_.into().empty()) {
      auto into = Field(route_answer, part_.into(), "into");
      if (!into.ok()) return into.status();
      out.into = *into;
    }
    if (out.into == nullptr) {
      if (out.from != nullptr) return Error("takes a field (from) but names no field to put it in");
      if (&answer != &route_answer) {
        return Error(absl::StrCat("merges its whole answer (", answer.full_name(),
                                  ") into the route's (", route_answer.full_name(),
                                  "): name a field with into"));
      }
    } else if (out.from != nullptr) {
      if (absl::Status alike = Alike(*out.into, *out.from); !alike.ok()) return alike;
    } else if (out.into->is_repeated() || out.into->message_type() != &answer) {
      return Error(absl::StrCat("puts its whole answer (", answer.full_name(), ") into ",
                                out.into->full_name(), " (", TypeName(*out.into), ")"));
    }
    return out;
  }

 private:
  const MethodDescriptor& method_;
  const api::v1::Composition::Part& part_;
};

}  // namespace

std::string AreaOf(const google::protobuf::ServiceDescriptor& service) {
  std::vector<absl::string_view> parts = absl::StrSplit(service.file()->package(), '.');
  if (parts.size() < 3 || parts[0] != "crm" || parts[1].empty()) return "";
  return std::string(parts[1]);
}

absl::StatusOr<std::vector<ComposedPart>> ReadComposition(const MethodDescriptor& method,
                                                          const api::v1::Composition& option,
                                                          const FieldDescriptor** degraded) {
  *degraded = nullptr;
  if (option.parts().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("RPC ", method.full_name(), ": its composition names no parts"));
  }
  std::vector<ComposedPart> parts;
  std::set<std::string> names;
  bool optional_parts = false;
  for (const auto& part : option.parts()) {
    Reader reader(method, part);
    if (!ValidName(part.name())) {
      return reader.Error("needs a name of lower-case letters, digits, '-' and '_'");
    }
    if (!names.insert(part.name()).second) return reader.Error("is named twice");
    auto read = reader.Read();
    if (!read.ok()) return read.status();
    optional_parts |= !read->required;
    parts.push_back(*std::move(read));
  }
  if (optional_parts) {
    const std::string name =
        option.degraded_field().empty() ? kDefaultDegraded : option.degraded_field();
    const FieldDescriptor* field = method.output_type()->FindFieldByName(name);
    if (field == nullptr || !field->is_repeated() ||
        field->type() != FieldDescriptor::TYPE_STRING) {
      return absl::FailedPreconditionError(absl::StrCat(
          "RPC ", method.full_name(), ": its composition names missing parts in \"", name,
          "\", which is not a repeated string field of ", method.output_type()->full_name()));
    }
    *degraded = field;
  }
  return parts;
}

}  // namespace crm::gateway
