// Stage 1, route: which RPC the request is for (the route table built from the HTTP rules), and
// whether what the request carries may go to it: every header value forwarded as gRPC metadata
// is checked (forwarded_headers.h) and a body must be JSON.
//
//   if (std::optional<HttpError> refused = RouteRequest(routes, exchange)) ... answer it
//
// Thread-safe: a function of its arguments.
#pragma once

#include <optional>

#include "gateway/errors/http_errors.h"
#include "gateway/routing/route_table.h"
#include "gateway/stages/exchange.h"

namespace crm::gateway {

// From exchange.request, path and query: sets exchange.route and captures, and the metadata
// every call carries (x-request-id, x-forwarded-for, the forwarded headers). Refusals: 404
// ROUTE_NOT_FOUND; 405 METHOD_NOT_ALLOWED with Allow; then, with exchange.route set, 400
// HEADER_INVALID naming the header, and 415 UNSUPPORTED_MEDIA_TYPE.
std::optional<HttpError> RouteRequest(const RouteTable& routes, Exchange& exchange);

}  // namespace crm::gateway
