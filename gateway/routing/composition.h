// What a composed route runs (the (crm.api.v1.compose) option, annotations.proto): each part's
// RPC, the request fields copied into its call, and where its answer goes in the route's answer.
// Read and checked once, at start-up, by RouteTable::Build, so that a composition the messages
// cannot carry stops the gateway there, naming the RPC and the part.
//
//   absl::StatusOr<std::vector<ComposedPart>> parts = ReadComposition(method, option, &degraded);
//
// Thread-safety: plain data, immutable once the route table is built.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/api/v1/annotations.pb.h"
#include "google/protobuf/descriptor.h"

namespace crm::gateway {

struct ComposedPart {
  // Named in the answer's degraded list when the part is missing.
  std::string name;
  // The RPC answering the part; nullptr when the option names none yet (always missing).
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "/crm.orders.v1.OrdersService/GetOrdersSummary", and the area whose upstream answers it.
  std::string grpc_method;
  std::string area;
  // (field of the part's request, field of the route's request it is copied from).
  std::vector<
      std::pair<const google::protobuf::FieldDescriptor*, const google::protobuf::FieldDescriptor*>>
      request;
  // The field of the part's answer taken; nullptr: the whole answer.
  const google::protobuf::FieldDescriptor* from = nullptr;
  // The field of the route's answer it goes into; nullptr: merged into the route's answer.
  const google::protobuf::FieldDescriptor* into = nullptr;
  // The part call's deadline; zero: the route's. Never more than the route's.
  absl::Duration timeout = absl::ZeroDuration();
  // The route cannot answer without it: its error is the route's error.
  bool required = false;
};

// The parts `option` declares for `method` (the route's RPC, whose http rule is a GET), and in
// `*degraded` the field of the route's answer naming the missing parts (nullptr when every part
// is required). Methods are looked up in `method`'s pool. Errors: FAILED_PRECONDITION naming
// the part and the problem: no parts; a name that is empty, repeated, or not lower-case letters,
// digits, '-' and '_'; an unknown or streaming method, or one outside a crm.<area>.<version>
// package; a part without a method that says anything else; a request entry, `from` or `into`
// naming no top-level field, or fields of different types; a whole answer merged into a route
// answer of another type; a negative timeout; no repeated string degraded field while some part
// is not required.
absl::StatusOr<std::vector<ComposedPart>> ReadComposition(
    const google::protobuf::MethodDescriptor& method, const api::v1::Composition& option,
    const google::protobuf::FieldDescriptor** degraded);

// "customers" for a service in package crm.customers.v1: the area whose upstream answers it; ""
// when the package is not of the form crm.<area>.<version>.
std::string AreaOf(const google::protobuf::ServiceDescriptor& service);

}  // namespace crm::gateway
