// Stage 6, answer: what the client gets. A reply becomes JSON (transcoding/response_writer.h)
// with the HTTP rule's success code, its ETag and, for a 201, the Location of what was created;
// an error from any stage becomes API.md's error shape (errors/http_errors.h) with its headers
// (Retry-After, Allow). Every answer carries the CORS headers of an allowed origin.
//
//   HttpResponse response = Answer(route, request, *reply.message, cors);
//
// Thread-safe: functions of their arguments.
#pragma once

#include <string>

#include "gateway/errors/http_errors.h"
#include "gateway/http/cors.h"
#include "gateway/http/http_server.h"
#include "gateway/routing/route_table.h"
#include "google/protobuf/message.h"

namespace crm::gateway {

// `body` as application/json with `status`.
HttpResponse JsonAnswer(const HttpRequest& request, int status, std::string body, const Cors& cors);

// `error` in API.md's shape, with Retry-After from the details' retryAfterSeconds (on a 503
// always, 1 s when the service named none) and the error's own headers.
HttpResponse ErrorAnswer(const HttpRequest& request, const HttpError& error,
                         const std::string& request_id, const Cors& cors);

// The route's success answer for `reply`: 204 without a body, or the JSON with ETag (a
// top-level etag that cannot split the header) and Location (201); 500 when the reply cannot be
// written as JSON.
HttpResponse Answer(const Route& route, const HttpRequest& request,
                    const google::protobuf::Message& reply, const std::string& request_id,
                    const Cors& cors);

}  // namespace crm::gateway
