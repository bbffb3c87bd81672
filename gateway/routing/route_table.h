// RouteTable: the gateway's REST routes, built at start-up from the (crm.api.v1.http) options of
// the RPCs in the protos, and the lookup from (HTTP method, path) to the route.
//
//   absl::StatusOr<RouteTable> table = RouteTable::Build(RouteTable::GeneratedServices());
//   if (!table.ok()) return table.status();        // a broken rule stops the gateway at start
//   RouteMatch m = table->Find("GET", "/v1/customers/c-1");
//   switch (m.kind) {
//     case RouteMatch::Kind::kFound:             // m.route->grpc_method, m.captures
//     case RouteMatch::Kind::kNotFound:          // 404
//     case RouteMatch::Kind::kMethodNotAllowed:  // 405, Allow: join(m.allowed_methods, ", ")
//   }
//
// Precedence when several templates of one method match a path: the most specific wins
// (PathTemplate::CompareSpecificity: left to right, literal > variable > rest; then a verb beats
// no verb). So "/v1/customers/{customer_id}:export" wins over "/v1/customers/{customer_id}" for
// "/v1/customers/c1:export", and "/v1/customers/search" over "/v1/customers/{customer_id}".
//
// Thread-safety: immutable after Build; Find may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/api/v1/annotations.pb.h"
#include "gateway/routing/composition.h"
#include "gateway/routing/path_template.h"
#include "google/protobuf/descriptor.h"

namespace crm::gateway {

struct Route {
  std::string http_method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  PathTemplate path;        // path.text() is the route's label in metrics and logs
  std::string body;         // "" (no body), "*" (whole request), or a top-level field name
  int success_code = 200;   // 200 when the rule says 0
  bool if_match = false;    // the rule's if_match: the RPC checks an If-Match etag (412)
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_method;  // "/crm.customers.v1.CustomersService/GetCustomer"
  // "customers": the second component of the package crm.<area>.v1; picks the upstream.
  std::string area;
  crm::api::v1::Access access;  // the access option as declared
  // For 201 routes: the GET route that reads what was created (same response type, at least one
  // path field and every path field present in the response), used to build the Location
  // header; nullptr if none. Among several: verbless first, then a child of the create's
  // collection ("/v1/things" -> "/v1/things/{thing_id}"), then the shortest template, then the
  // first declared.
  const Route* location = nullptr;
  // A composed route (the (crm.api.v1.compose) option, composition.h): the parts the gateway
  // calls instead of the route's own RPC, and the answer's field naming the missing ones
  // (nullptr when every part is required). Empty for every other route.
  std::vector<ComposedPart> parts;
  const google::protobuf::FieldDescriptor* degraded = nullptr;
};

// The areas whose upstream a route cannot answer without: its own, or for a composed route its
// required parts' (the others are named in `degraded` when their service is not configured).
std::vector<std::string> AreasNeeded(const Route& route);

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
  const Route* route = nullptr;                               // kFound only
  std::vector<std::pair<std::string, std::string>> captures;  // field path -> decoded value
  std::vector<std::string> allowed_methods;  // kMethodNotAllowed: sorted, for the Allow header
};

class RouteTable {
 public:
  // Routes of every RPC with an (crm.api.v1.http) option in `services` (a service listed twice
  // counts once). RPCs without an http rule are not routed: internal ones such as crm.platform.*
  // stay reachable over gRPC only. Options are read the same way for the generated pool and for
  // pools built at run time (see route_table.cc).
  //
  // Errors, all FAILED_PRECONDITION naming the RPC(s) and the problem:
  //   - two rules with the same HTTP method and the same path shape (names both RPCs);
  //   - an http rule without a method/path, or an unparseable template;
  //   - an RPC with an http rule but no (crm.api.v1.access) option;
  //   - a streaming RPC with an http rule;
  //   - a path field missing from the request message, or not a singular scalar, string or
  //     enum (bytes, repeated, map and message fields are refused; intermediate components of
  //     "a.b" must be singular messages);
  //   - a body that is not "", "*" or a singular message field of the request;
  //   - success_code not in {0, 200, 201, 202, 204};
  //   - a package not of the form crm.<area>.<version>;
  //   - a PARTNER_SIGNATURE access option that is anonymous or admits a role but PARTNER;
  //   - a composition on a route other than GET, or one ReadComposition refuses.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // Every service of the generated pool's files listed by crm::ProtoFiles() whose package
  // starts with "crm.": the gateway's production input.
  static std::vector<const google::protobuf::ServiceDescriptor*> GeneratedServices();

  // The route for `http_method` (exact, upper case) and `path` (no query string, still percent-
  // encoded). kNotFound when no route's template matches the path; kMethodNotAllowed when some
  // route matches the path but none for this method (HEAD and OPTIONS included: no implicit
  // routes). Cost: O(routes of the method x path length) with byte comparisons; allocates only
  // for the winner's captures, and on 405 for the allowed list.
  RouteMatch Find(absl::string_view http_method, absl::string_view path) const;

  // Every route, in the order of `services` and their methods; addresses stay valid for the
  // table's lifetime, also when the table is moved.
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  // Index into by_method_ for "GET", "POST", "PUT", "PATCH", "DELETE"; -1 for anything else.
  static int MethodIndex(absl::string_view http_method);
  static constexpr int kMethods = 5;

  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<const Route*> by_method_[kMethods];
};

}  // namespace crm::gateway
