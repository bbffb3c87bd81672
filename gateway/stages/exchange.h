// One request on its way through the gateway's stages (see gateway_handler.h): route,
// authenticate, admit, transcode, call, answer. Each stage reads what the ones before it found
// here and adds its own; a stage that refuses the request answers an HttpError instead, and the
// handler answers it.
//
// Held by a shared_ptr, so the asynchronous stages (authenticate, call) keep it alive; only one
// stage works on it at a time, so it needs no lock.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/http/http_server.h"
#include "gateway/routing/route_table.h"
#include "google/protobuf/message.h"
#include "platform/auth/access.h"
#include "platform/rpc/generic_call.h"

namespace crm::gateway {

struct Exchange {
  HttpRequest request;
  // The client's "ip:port".
  std::string peer;
  // The client's X-Request-Id when usable, else a new one; echoed and logged.
  std::string request_id;
  absl::Time start;
  std::function<void(HttpResponse)> respond;

  // route: the matched route and its path captures; path and query view request.target().
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> captures;
  absl::string_view path;
  absl::string_view query;
  // What the service gets as gRPC metadata: the request id, the client's address and the
  // forwarded headers (route), then the caller's credential (authenticate).
  platform::CallMetadata metadata;

  // authenticate: who calls; unauthenticated when no credential came (or the route is
  // anonymous).
  platform::Principal principal;

  // transcode: the route's request message.
  std::unique_ptr<google::protobuf::Message> message;
};

}  // namespace crm::gateway
