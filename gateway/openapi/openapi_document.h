// OpenApiDocument: the OpenAPI 3.0.3 description of the gateway's REST routes, generated from
// the same RouteTable the gateway serves, so the published contract cannot drift from what is
// actually routed.
//
//   absl::StatusOr<RouteTable> table = RouteTable::Build(RouteTable::GeneratedServices());
//   std::string json = OpenApiDocument(*table, {.server_url = "http://127.0.0.1:8080"});
//   // {
//   //   "openapi": "3.0.3",
//   //   "info": {"title": "CRM API", "version": "v1", ...},
//   //   "paths": {"/v1/customers/{customerId}": {"get": {"operationId": "GetCustomer", ...
//
// What the document says, per route (see API.md for the contract it mirrors):
//   - Path: the template with each `{field}` / `{field=**}` written `{jsonName}` ("owner.ownerId"
//     for a nested field); a custom verb stays in the key ("/v1/orders/{orderId}:cancel").
//   - Operation: operationId = the RPC's name (suffixed "_<Service>" when two services share
//     it), tag = the service's short name, summary = the first sentence of the RPC's leading
//     comment (its name in words when there is none, or when the comment opens with "Errors:"),
//     description = the whole comment (from OpenApiInfo::source_info: the generated pool keeps
//     none) and who may call it (also `x-crm-access`); `x-crm-reasons` = the error reasons the
//     comment names after "Errors:", by HTTP status.
//   - Parameters: path fields; for routes whose body is not "*", every other scalar, enum,
//     repeated scalar and query-able well-known field of the request as a query parameter
//     (nested messages walked with dotted names, "filter.namePrefix"); the headers
//     Idempotency-Key (rules with idempotency_key), If-Match (rules with if_match), X-Request-Id.
//   - Request body: body "*" is the request message, or "<Message>Body" (the message without the
//     fields the path sets) when the path has fields; body "<field>" is that field's schema, but
//     for a PATCH "<Message>Patch": the message without its output-only fields, none required.
//     A write without a body (PUT, DELETE, POST) takes an optional empty object: {} is accepted.
//   - Schemas: (crm.api.v1.field) marks fields `required` (strings also minLength 1) and
//     `readOnly` (output_only); enums leave out their `*_UNSPECIFIED` zero value; 64-bit
//     integers are a decimal string or an integer (oneOf), in a query or path a string. Answers
//     print every field without presence (not a message, oneof member or proto3 `optional`), so
//     such fields are also `required` where that binds answers only: read-only ones, and every
//     one of a message no request carries.
//   - Responses: the success code with the response message (none for 204) and the required
//     headers Location (201 with a readable location), ETag (responses with a top-level string
//     `etag`), X-Request-Id; then the shared Error response (X-Request-Id, Retry-After on 429
//     when known and on 503 always) for each status the route can produce: 400, 429, 431, 500,
//     501, 502, 503, 504 (the gateway's own) on every route; 401 and 403 unless anonymous; 404
//     with path fields or an owner; 409 for writes and idempotent routes; 412 with if_match; 413
//     and 415 with a body or for any write; 422 for idempotent routes of callers with a token;
//     and every status the comment's "Errors:" names (401 for login).
//   - Security: none for anonymous routes, bearerAuth (JWT) otherwise.
// components.schemas holds one schema per message and enum reached (keyed by full name), the
// "<Message>Body" and "<Message>Patch" schemas and "Error"; parameters, headers and responses
// list only what is used.
// OpenAPI cannot tell `{a}` from `{b}` or `{a=**}` at one position: routes of one such shape share
// a path item named after the first, and a second route of one method there is listed (not
// described) under the top-level `x-crm-undocumented-routes`.
//
// The output is 2-space indented JSON, keys in a fixed order: the same table gives the same
// bytes. Thread-safe: a pure function of its arguments.
#pragma once

#include <string>

#include "gateway/routing/route_table.h"
#include "google/protobuf/descriptor.h"

namespace crm::gateway {

struct OpenApiInfo {
  // info.title. Default "CRM API".
  std::string title = "CRM API";
  // info.version. Default "v1".
  std::string version = "v1";
  // The one servers entry, e.g. "http://127.0.0.1:8080". Default "": no servers entry, so tools
  // resolve paths against wherever the document was fetched from.
  std::string server_url;
  // A pool with source info, where the comments of the routes' descriptors are looked up by full
  // name (GeneratedSourceInfo() for the generated pool, which keeps none). Default nullptr: the
  // descriptors' own pool.
  const google::protobuf::DescriptorPool* source_info = nullptr;
};

// The OpenAPI 3.0.3 document of `routes`, as JSON text. Never fails: every route the table
// accepted can be described.
std::string OpenApiDocument(const RouteTable& routes, const OpenApiInfo& info);

// A pool built from crm::ProtoDescriptorSet(): every compiled .proto with its comments. Built once,
// at the first call; thread-safe.
const google::protobuf::DescriptorPool& GeneratedSourceInfo();

}  // namespace crm::gateway
