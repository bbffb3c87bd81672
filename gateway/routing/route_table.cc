#include "gateway/routing/route_table.h"

#include <map>
#include <set>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crm/proto_files.h"

namespace crm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// Alphabetical, so that a 405's allowed list comes out sorted by walking them in order.
constexpr absl::string_view kMethodNames[] = {"DELETE", "GET", "PATCH", "POST", "PUT"};
constexpr int kGet = 1;

// The method's options as a generated MethodOptions with the crm.api.v1 extensions parsed.
// Why re-parse: options() is a generated MethodOptions in every pool, but its extensions are
// only parsed if the extension was known to whatever filled it. For the generated pool and for
// pools built from FileDescriptorProtos (the tests) they are; options interpreted by a pool
// from .proto text against its own copy of annotations.proto may stay unknown fields. The wire
// bytes are the same in every case, and parsing them into the generated type resolves the
// extensions through the generated registry, so one path serves every pool. Start-up only.
google::protobuf::MethodOptions ReadOptions(const MethodDescriptor& method) {
  google::protobuf::MethodOptions options;
  options.ParseFromString(method.options().SerializeAsString());
  return options;
}

// "" when `path` ("a" or "a.b") names a singular scalar, string or enum field reachable from
// `message` through singular message fields; otherwise what is wrong with it.
std::string PathFieldProblem(const Descriptor& message, absl::string_view path) {
  const Descriptor* current = &message;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->FindFieldByName(std::string(parts[i]));
    if (field == nullptr) {
      return absl::StrCat("path field \"", path, "\": ", current->full_name(), " has no field \"",
                          parts[i], "\"");
    }
    if (field->is_repeated()) {
      return absl::StrCat("path field \"", path, "\": \"", parts[i], "\" is repeated");
    }
    const bool last = i + 1 == parts.size();
    if (!last) {
      if (field->type() != FieldDescriptor::TYPE_MESSAGE) {
        return absl::StrCat("path field \"", path, "\": \"", parts[i], "\" is not a message");
      }
      current = field->message_type();
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_MESSAGE ||
        field->type() == FieldDescriptor::TYPE_GROUP) {
      return absl::StrCat("path field \"", path, "\" is a message, not a scalar, string or enum");
    }
    // A path value is text; bytes would need base64 in a URL, which no client expects.
    if (field->type() == FieldDescriptor::TYPE_BYTES) {
      return absl::StrCat("path field \"", path, "\" is bytes, not a scalar, string or enum");
    }
  }
  return "";
}

absl::Status RpcError(const MethodDescriptor& method, absl::string_view problem) {
  return absl::FailedPreconditionError(absl::StrCat("RPC ", method.full_name(), ": ", problem));
}

// The collection a create posts to: its template text without the verb.
absl::string_view CollectionOf(const PathTemplate& path) {
  absl::string_view text = path.text();
  if (!path.verb().empty()) text.remove_suffix(path.verb().size() + 1);
  return text;
}

// How well `get` serves as the Location of a create posting to `collection`; higher is better:
// no verb, then a child of the collection ("/v1/things" -> "/v1/things/{thing_id}"), then the
// shortest template.
std::tuple<bool, bool, int> LocationRank(const Route& get, absl::string_view collection) {
  const std::string& text = get.path.text();
  return {get.path.verb().empty(),
          absl::StartsWith(text, collection) && text.size() > collection.size() &&
              text[collection.size()] == '/',
          -static_cast<int>(text.size())};
}

}  // namespace

int RouteTable::MethodIndex(absl::string_view http_method) {
  for (int i = 0; i < kMethods; ++i) {
    if (kMethodNames[i] == http_method) return i;
  }
  return -1;
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const ServiceDescriptor*>& services) {
  RouteTable table;
  std::map<std::string, const Route*> shapes;  // "GET /v1/customers/{}" -> its route
  std::set<const ServiceDescriptor*> seen;
  for (const ServiceDescriptor* service : services) {
    if (service == nullptr || !seen.insert(service).second) continue;
    for (int m = 0; m < service->method_count(); ++m) {
      const MethodDescriptor& method = *service->method(m);
      google::protobuf::MethodOptions options = ReadOptions(method);
      if (!options.HasExtension(api::v1::http)) continue;
      const api::v1::HttpRule& rule = options.GetExtension(api::v1::http);

      if (!options.HasExtension(api::v1::access)) {
        return RpcError(method,
                        "has an http rule but no (crm.api.v1.access) option; every routed RPC "
                        "must declare who may call it");
      }
      if (method.client_streaming() || method.server_streaming()) {
        return RpcError(method, "is streaming and cannot have an http rule");
      }

      auto route = std::make_unique<Route>();
      std::string text;
      switch (rule.pattern_case()) {
        case api::v1::HttpRule::kGet:
          route->http_method = "GET";
          text = rule.get();
          break;
        case api::v1::HttpRule::kPut:
          route->http_method = "PUT";
          text = rule.put();
          break;
        case api::v1::HttpRule::kPost:
          route->http_method = "POST";
          text = rule.post();
          break;
        case api::v1::HttpRule::kDelete:
          route->http_method = "DELETE";
          text = rule.delete_();
          break;
        case api::v1::HttpRule::kPatch:
          route->http_method = "PATCH";
          text = rule.patch();
          break;
        case api::v1::HttpRule::PATTERN_NOT_SET:
          break;
      }
      if (text.empty()) return RpcError(method, "http rule names no method and path");
      absl::StatusOr<PathTemplate> path = PathTemplate::Parse(text);
      if (!path.ok()) return RpcError(method, path.status().message());
      route->path = *std::move(path);

      const Descriptor& request = *method.input_type();
      for (const std::string& field : route->path.fields()) {
        std::string problem = PathFieldProblem(request, field);
        if (!problem.empty()) return RpcError(method, problem);
      }

      route->body = rule.body();
      route->if_match = rule.if_match();
      if (!route->body.empty() && route->body != "*") {
        const FieldDescriptor* body = request.FindFieldByName(route->body);
        if (body == nullptr || body->type() != FieldDescriptor::TYPE_MESSAGE ||
            body->is_repeated()) {
          return RpcError(
              method, absl::StrCat("body \"", route->body, "\" is not a singular message field of ",
                                   request.full_name(), " (nor \"*\" or empty)"));
        }
      }

      switch (rule.success_code()) {
        case 0:
          route->success_code = 200;
          break;
        case 200:
        case 201:
        case 202:
        case 204:
          route->success_code = rule.success_code();
          break;
        default:
          return RpcError(method, absl::StrCat("success_code ", rule.success_code(),
                                               " is not one of 200, 201, 202, 204 (or 0)"));
      }

      route->area = AreaOf(*service);
      if (route->area.empty()) {
        return RpcError(method, absl::StrCat("package \"", service->file()->package(),
                                             "\" is not crm.<area>.<version>, so no upstream "
                                             "can be chosen for it"));
      }
      route->method = &method;
      route->grpc_method = absl::StrCat("/", service->full_name(), "/", method.name());
      route->access = options.GetExtension(api::v1::access);
      if (route->access.authentication() == api::v1::Access::PARTNER_SIGNATURE &&
          (route->access.anonymous() || route->access.roles_size() != 1 ||
           route->access.roles(0) != api::v1::Access::PARTNER)) {
        return RpcError(method,
                        "authenticates by PARTNER_SIGNATURE, so its only role must be PARTNER");
      }
      if (options.HasExtension(api::v1::compose)) {
        if (route->http_method != "GET") {
          return RpcError(method, "is composed, and only GET routes can be");
        }
        auto parts =
            ReadComposition(method, options.GetExtension(api::v1::compose), &route->degraded);
        if (!parts.ok()) return parts.status();
        route->parts = *std::move(parts);
      }

      std::string shape = absl::StrCat(route->http_method, " ", route->path.ShapeKey());
      auto [it, inserted] = shapes.emplace(shape, route.get());
      if (!inserted) {
        const Route& other = *it->second;
        return absl::FailedPreconditionError(
            absl::StrCat("RPCs ", other.method->full_name(), " and ", method.full_name(),
                         " collide: ", other.http_method, " \"", other.path.text(), "\" and \"",
                         route->path.text(), "\" match the same paths (", shape, ")"));
      }
      table.by_method_[MethodIndex(route->http_method)].push_back(route.get());
      table.routes_.push_back(std::move(route));
    }
  }

  for (const std::unique_ptr<Route>& create : table.routes_) {
    if (create->success_code != 201) continue;
    const absl::string_view collection = CollectionOf(create->path);
    const Descriptor* created = create->method->output_type();
    const Route* best = nullptr;
    for (const Route* get : table.by_method_[kGet]) {
      // A GET without path fields (a list, a search) cannot name the one thing created.
      if (get->method->output_type() != created || get->path.fields().empty()) continue;
      bool readable = true;
      for (const std::string& field : get->path.fields()) {
        if (!PathFieldProblem(*created, field).empty()) readable = false;
      }
      if (!readable) continue;
      if (best == nullptr || LocationRank(*get, collection) > LocationRank(*best, collection)) {
        best = get;
      }
    }
    create->location = best;
  }
  return table;
}

std::vector<std::string> AreasNeeded(const Route& route) {
  if (route.parts.empty()) return {route.area};
  std::vector<std::string> areas;
  for (const ComposedPart& part : route.parts) {
    if (part.required) areas.push_back(part.area);
  }
  return areas;
}

std::vector<const ServiceDescriptor*> RouteTable::GeneratedServices() {
  std::vector<const ServiceDescriptor*> services;
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : crm::ProtoFiles()) {
    // Every listed file is compiled into the same shared library as the list, so it is there.
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(name);
    if (file == nullptr || !absl::StartsWith(file->package(), "crm.")) continue;
    for (int s = 0; s < file->service_count(); ++s) services.push_back(file->service(s));
  }
  return services;
}

RouteMatch RouteTable::Find(absl::string_view http_method, absl::string_view path) const {
  RouteMatch result;
  const int index = MethodIndex(http_method);
  if (index >= 0) {
    const Route* best = nullptr;
    for (const Route* route : by_method_[index]) {
      if (!route->path.Matches(path)) continue;
      if (best == nullptr || PathTemplate::CompareSpecificity(route->path, best->path) > 0) {
        best = route;
      }
    }
    if (best != nullptr) {
      result.kind = RouteMatch::Kind::kFound;
      result.route = best;
      best->path.Match(path, &result.captures);
      return result;
    }
  }
  for (int i = 0; i < kMethods; ++i) {
    if (i == index) continue;
    for (const Route* route : by_method_[i]) {
      if (route->path.Matches(path)) {
        result.allowed_methods.emplace_back(kMethodNames[i]);
        break;
      }
    }
  }
  result.kind = result.allowed_methods.empty() ? RouteMatch::Kind::kNotFound
                                               : RouteMatch::Kind::kMethodNotAllowed;
  return result;
}

}  // namespace crm::gateway
