// What the gateway does with one HTTP request: its own endpoints (/healthz, /readyz, /metrics,
// /openapi.json, /docs) and CORS preflights, then every API request in six stages, each in its
// own file under gateway/stages/:
//
//   1. route         the route table's RPC for the method and path; the headers forwarded to it
//                    checked, a body that is not JSON refused          (404, 405, 400, 415)
//   2. authenticate  by the route's access option: a bearer token, or a partner's signature,
//                    for which the gateway forwards a token of its own (401, 503)
//   3. admit         the route class's rate limit                      (429)
//   4. transcode     path, query and JSON body -> the request message, and the route's access
//                    option applied to it                              (400, 401, 403, 404)
//   5. call          a generic gRPC call to the service, or a composed route's parts at once
//   6. answer        the reply as JSON with its success code, ETag and Location; every error
//                    of every stage in API.md's shape
//
// A stage that refuses the request ends it with its error. Everything is asynchronous: the HTTP
// thread returns as soon as a call is started (stage 2 too, when it has to read a partner's
// secrets), and the answer comes from the gRPC thread that got the reply.
//
// Per request: one JSON access log line (method, route template, status, latency, bytes,
// request id, upstream status) and metrics per route template.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/auth/bearer_authenticator.h"
#include "gateway/http/cors.h"
#include "gateway/http/docs_site.h"
#include "gateway/http/http_server.h"
#include "gateway/http/rate_limiter.h"
#include "gateway/routing/route_table.h"
#include "gateway/stages/authenticate.h"
#include "gateway/stages/call.h"
#include "gateway/stages/exchange.h"
#include "gateway/transcoding/request_builder.h"
#include "gateway/upstream/upstreams.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"

namespace crm::gateway {

struct GatewayOptions {
  // Deadline of every upstream call; expiry answers 504. Default 5 s.
  absl::Duration deadline = absl::Seconds(5);
  // Per-route deadlines, by "METHOD /template" (e.g. "POST /v1/customers"), overriding it.
  std::map<std::string, absl::Duration> route_deadlines;
  // Origins allowed by CORS; "*" for any. Default none.
  std::vector<std::string> cors_origins;
  RequestLimits limits;
  // Served at /openapi.json.
  std::string openapi_json;
  // Served at /docs; nullptr: /docs answers 404 saying the viewer is not installed.
  const DocsSite* docs = nullptr;
  // Rate limits by route class; nullptr: none. Routes named in `route_classes` ("METHOD
  // /template" -> class) use that class; every other route the class its HTTP rule declares
  // ("strict" for rate_class: STRICT), else "default".
  RateLimiter* limiter = nullptr;
  std::map<std::string, std::string> route_classes;
  // Verifies bearer tokens before any service is called (the services verify again);
  // nullptr: no token is trusted, so only anonymous routes answer.
  const platform::TokenVerifier* verifier = nullptr;
  // The time tokens, rate limits and latencies are measured on; nullptr: the system clock. The
  // gateway's main gives it the services' dev clock offset, so that tokens made on the moved
  // clock pass here too (local development only).
  const platform::Clock* clock = nullptr;
  // Checks partners' signatures on PARTNER_SIGNATURE routes (auth/partner_authenticator.h);
  // nullptr: those routes answer 503.
  const Authenticator* partner_signature = nullptr;
};

class GatewayHandler : public RequestHandler {
 public:
  GatewayHandler(const RouteTable& routes, Upstreams& upstreams, platform::Metrics& metrics,
                 GatewayOptions options);
  ~GatewayHandler() override;

  void Handle(HttpRequest request, const std::string& peer,
              std::function<void(HttpResponse)> respond) override;
  HttpResponse Refuse(int http_status, absl::string_view reason, absl::string_view message,
                      const HttpRequest* head = nullptr) override;

  // /readyz answers 200 only while ready: routes loaded and listener up, not yet draining.
  void SetReady(bool ready) { ready_ = ready; }

 private:
  struct RouteState;

  // The gateway's own endpoints; nullopt for any other request.
  std::optional<HttpResponse> OwnEndpoint(const Exchange& exchange) const;
  // Stages 3 to 6, once the caller is known.
  void Proceed(std::shared_ptr<Exchange> exchange);
  void Fail(Exchange& exchange, const HttpError& error, const std::string& upstream_status = "");
  void Finish(Exchange& exchange, HttpResponse response, const std::string& upstream_status);
  RouteState& StateOf(const Route* route);

  const RouteTable& routes_;
  platform::Metrics& metrics_;
  const GatewayOptions options_;
  const platform::Clock& clock_;
  const Cors cors_;
  const BearerAuthenticator bearer_;
  const Authenticators authenticators_;
  Caller caller_;
  std::atomic<bool> ready_{false};
  // Deadline and metrics of each route, plus nullptr for requests that matched none; built at
  // construction, read-only afterwards.
  std::map<const Route*, std::unique_ptr<RouteState>> route_states_;
};

}  // namespace crm::gateway
