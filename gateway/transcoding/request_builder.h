// BuildRequest: turns the pieces of an HTTP call (path captures, query string, JSON body) into
// the gRPC request message its route names, the way google.api.http transcoding does, and names
// every client mistake by the field at fault.
//
//   crm::customers::v1::GetCustomerRequest request;
//   absl::Status s = gateway::BuildRequest(
//       {.captures = {{"customer_id", "c_42"}}, .query = "", .body = "", .body_field = ""},
//       &request);
//   // s.ok(), request.customer_id() == "c_42"
//
// How each part fills the request:
// - body "*": the JSON body is the whole request (protobuf's JSON mapping: lowerCamelCase or
//   proto field names, int64 as strings or numbers, enums by name or number). Query parameters
//   are refused, since the body already carries every field.
// - body "<field>": the JSON body is the value of that top-level field; captures and query
//   parameters fill the rest. Errors inside the body are named from the request's root, e.g.
//   "customer.displayName" for body "customer", matching how services name their fields.
// - body "": an empty body or `{}` is accepted; any other body is refused.
// - Path captures are applied last and win over a body value for the same field: the path is
//   what the route (and its access check) was matched on, so the body cannot contradict it.
// - Query parameters (`pageSize=10&tags=a&tags=b&company.name=Acme+Ltd`): names are JSON or
//   proto names, dotted through nested messages; a repeated scalar takes one value per
//   occurrence; through one repeated message field, the k-th occurrence of `lines.sku` sets
//   `lines[k].sku`. Values are form-decoded ('+' is a space). Scalars, enums (name or number),
//   the wrapper types, Timestamp (RFC 3339), Duration ("1.5s") and FieldMask ("a,b.c") are
//   accepted; messages and maps are not. A parameter for a field the path or body already sets
//   is refused, and so is a non-repeated one given twice, and so is an unknown one, except `_`
//   (the conventional cache-buster), which is ignored on every route.
// - An update (a request with a FieldMask `update_mask`) whose mask the query did not give
//   changes what its body names: the mask becomes the body object's top-level fields (AIP-134),
//   so `PATCH {"displayName":"Ann"}` touches the display name only.
//
// Thread-safe: a pure function of its arguments.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace crm::gateway {

// What the router extracted from one HTTP call. The views must outlive the BuildRequest call.
struct RequestParts {
  // Path captures: proto field path (dotted, proto names, e.g. "customer_id") -> percent-decoded
  // value.
  std::vector<std::pair<std::string, std::string>> captures;
  // The raw query string after '?', not decoded ("" when none).
  absl::string_view query;
  // The raw body ("" when none). A body of only whitespace counts as none.
  absl::string_view body;
  // The rule's body: "" (no body allowed), "*" (the whole request), or a top-level field name.
  absl::string_view body_field;
};

struct RequestLimits {
  // Deepest nesting of JSON objects and arrays accepted in a body; `{}` is depth 1. Default 32.
  int max_json_depth = 32;
};

// Fills `request` (empty on entry) from `parts`. Every client mistake found is reported at once
// (at most 20), each naming its field: body fields by their JSON path with lowerCamelCase names
// ("lines[1].quantity", "labels[\"k\"]", an unknown key as sent), query parameters by the name
// as sent, captures by their JSON path, and the body as a whole as "body".
//
// Errors:
// - INVALID_ARGUMENT / FIELD_INVALID with fieldViolations: body not UTF-8 JSON, not an object
//   (for body "*"), nested deeper than `limits.max_json_depth`, unknown or doubly given fields,
//   values of the wrong type or out of range, a body on a route that takes none; unknown,
//   malformed, repeated or misplaced query parameters; captures that do not convert to their
//   field's type.
// - INTERNAL / INTERNAL: the route itself is wrong (a capture or body field the request type
//   does not have, or that cannot take a path value). Not the client's fault.
// On error, `request` holds an unspecified partial value.
absl::Status BuildRequest(const RequestParts& parts, google::protobuf::Message* request,
                          const RequestLimits& limits = {});

}  // namespace crm::gateway
