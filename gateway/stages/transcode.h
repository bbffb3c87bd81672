// Stage 4, transcode: the route's request message from the path captures, the query and the
// JSON body (transcoding/request_builder.h), then the route's access option applied to it (the
// service applies it again): wrong roles, other customers' records and other partners' calls
// never leave the gateway.
//
//   if (std::optional<HttpError> refused = Transcode(limits, *exchange)) ...
//   // else exchange->message is the request
//
// Thread-safe: a function of its arguments.
#pragma once

#include <optional>

#include "gateway/errors/http_errors.h"
#include "gateway/stages/exchange.h"
#include "gateway/transcoding/request_builder.h"

namespace crm::gateway {

// Sets exchange.message. Refusals: 400 naming the fields as the client wrote them; 401
// TOKEN_MISSING, 403, 404 from the access option.
std::optional<HttpError> Transcode(const RequestLimits& limits, Exchange& exchange);

// `error`'s field violations named as the client wrote them. A route whose body is one field
// of the request (`body: "customer"`) sends that field's content as the whole body, so the
// service's "customer.displayName" is the client's "displayName", and "customer" itself is the
// body. Used for the service's answer too (stage call).
HttpError AsClientWrote(const Route& route, HttpError error);

}  // namespace crm::gateway
