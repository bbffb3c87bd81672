// The response half of transcoding: a gRPC response as the JSON body the client gets, its ETag,
// and the Location of a created resource.
//
//   absl::StatusOr<std::string> body = gateway::ResponseJson(customer);
//   // {"customerId":"c_42","email":"a@b.c","displayName":"","kind":"INDIVIDUAL",...}
//   std::string etag = gateway::EtagOf(customer);
//   std::optional<std::string> location =
//       gateway::ExpandPath("/v1/customers/{customer_id}", customer);  // "/v1/customers/c_42"
//
// Thread-safe: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace crm::gateway {

// The JSON the client gets: protobuf's JSON mapping with lowerCamelCase names, enums as strings,
// int64 as strings, and fields at their default value printed too (so clients see a stable
// shape): scalars as 0 / "" / false / the zero enum name, lists as [], maps as {}. Unset
// message fields (e.g. a Timestamp never set) and unset proto3 `optional` fields stay absent,
// as the mapping has no default value for them.
//
// Errors: INTERNAL / INTERNAL when protobuf cannot print the message (e.g. a Timestamp past year
// 9999); the detail is logged, not returned. Note that protobuf 3.21 prints an Any of an unknown
// type as just its "@type", without failing.
absl::StatusOr<std::string> ResponseJson(const google::protobuf::Message& response);

// The message's top-level string field "etag" (empty when absent or empty).
std::string EtagOf(const google::protobuf::Message& response);

// Substitutes the {field} captures of `path_template` (e.g. "/v1/customers/{customer_id}") with
// the response's field values, percent-encoding each so it stays one path segment. A capture is
// a dotted proto field path ("{order.order_id}") naming a string, integer or enum field; in
// "{name=**}" a '/' of the value is kept. nullopt when a field is missing or empty, or the
// template is malformed.
std::optional<std::string> ExpandPath(absl::string_view path_template,
                                      const google::protobuf::Message& response);

}  // namespace crm::gateway
