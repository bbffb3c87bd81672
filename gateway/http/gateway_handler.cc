#include "gateway/http/gateway_handler.h"

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gateway/errors/http_errors.h"
#include "gateway/http/forwarded_headers.h"
#include "gateway/transcoding/response_writer.h"
#include "platform/auth/access.h"
#include "platform/auth/tokens.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {
namespace http = boost::beast::http;

namespace {

constexpr char kUnmatched[] = "unmatched";

// An id the client sent is kept if it is short, printable ASCII; otherwise one is made.
std::string RequestIdOf(const HttpRequest& request) {
  auto it = request.find("x-request-id");
  if (it != request.end()) {
    absl::string_view id(it->value().data(), it->value().size());
    bool printable = !id.empty() && id.size() <= 128;
    for (char c : id) printable = printable && c > 0x20 && c < 0x7f;
    if (printable) return std::string(id);
  }
  return platform::NewUuid();
}

// A body that is there must be JSON: a form post or plain text answers 415 rather than a
// JSON parse error. No Content-Type at all is read as JSON (many clients leave it out).
std::optional<HttpError> UnsupportedMediaType(const HttpRequest& request) {
  if (absl::StripAsciiWhitespace(request.body()).empty()) return std::nullopt;
  auto it = request.find(http::field::content_type);
  if (it == request.end()) return std::nullopt;
  absl::string_view type(it->value().data(), it->value().size());
  type = absl::StripAsciiWhitespace(type.substr(0, type.find(';')));
  if (absl::EqualsIgnoreCase(type, "application/json")) return std::nullopt;
  return GatewayError(415, grpc::StatusCode::INVALID_ARGUMENT, "UNSUPPORTED_MEDIA_TYPE",
                      "the request body must be application/json");
}

// Field violations named as the client wrote them. A route whose body is one field of the
// request (`body: "customer"`) sends that field's content as the whole body, so the service's
// "customer.displayName" is the client's "displayName", and "customer" itself is the body.
HttpError AsClientWrote(const Route& route, HttpError error) {
  if (route.body.empty() || route.body == "*") return error;
  const auto* field = route.method->input_type()->FindFieldByName(route.body);
  if (field == nullptr) return error;
  std::string prefix = absl::StrCat(field->json_name(), ".");
  std::string proto_prefix = absl::StrCat(field->name(), ".");
  // The message lists the same fields ("invalid request: customer.phone is ...").
  error.message = absl::StrReplaceAll(
      error.message, {{absl::StrCat(" ", prefix), " "}, {absl::StrCat(" ", proto_prefix), " "}});
  for (auto& violation : *error.details.mutable_field_violations()) {
    absl::string_view name = violation.field();
    if (name == field->json_name() || name == field->name()) {
      violation.set_field("body");
    } else if (absl::ConsumePrefix(&name, prefix) || absl::ConsumePrefix(&name, proto_prefix)) {
      violation.set_field(std::string(name));
    }
  }
  return error;
}

const platform::Clock& SystemTime() {
  static const platform::SystemClock* clock = new platform::SystemClock();
  return *clock;
}

}  // namespace

struct GatewayHandler::RouteState {
  absl::Duration deadline;  // of the upstream call
  std::string rate_class;
  std::array<platform::Counter*, 6> by_class{};  // index: status / 100
  std::unique_ptr<platform::Histogram> latency;
  std::unique_ptr<platform::Gauge> in_flight;
  std::vector<platform::Counter> counters;
};

// One request on its way through a route.
struct GatewayHandler::Exchange {
  HttpRequest request;
  std::function<void(HttpResponse)> respond;
  const Route* route = nullptr;
  std::string request_id;
  absl::Time start;
  std::unique_ptr<google::protobuf::Message> reply;
};

GatewayHandler::GatewayHandler(const RouteTable& routes, Upstreams& upstreams,
                               platform::Metrics& metrics, GatewayOptions options)
    : routes_(routes),
      upstreams_(upstreams),
      metrics_(metrics),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemTime()),
      cors_(options_.cors_origins) {
  std::vector<const Route*> all = {nullptr};
  for (const auto& route : routes_.routes()) all.push_back(route.get());
  for (const Route* route : all) {
    std::string label =
        route ? absl::StrCat(route->http_method, " ", route->path.text()) : kUnmatched;
    auto m = std::make_unique<RouteState>();
    auto deadline = options_.route_deadlines.find(label);
    m->deadline = deadline == options_.route_deadlines.end() ? options_.deadline : deadline->second;
    auto rate_class = options_.route_classes.find(label);
    if (rate_class != options_.route_classes.end()) {
      m->rate_class = rate_class->second;
    } else {
      bool strict = route != nullptr &&
                    platform::HttpOf(*route->method).rate_class() == api::v1::HttpRule::STRICT;
      m->rate_class = strict ? "strict" : "default";
    }
    m->counters.reserve(5);
    for (int c = 1; c <= 5; ++c) {
      m->counters.push_back(metrics_.AddCounter(
          "crm_gateway_requests_total", "HTTP requests answered, by route and status class",
          {{"route", label}, {"class", absl::StrCat(c, "xx")}}));
      m->by_class[c] = &m->counters.back();
    }
    m->latency = std::make_unique<platform::Histogram>(metrics_.AddHistogram(
        "crm_gateway_request_latency_seconds", "HTTP request latency, by route", {{"route", label}},
        platform::Metrics::LatencyBuckets()));
    m->in_flight = std::make_unique<platform::Gauge>(
        metrics_.AddGauge("crm_gateway_in_flight_requests", "HTTP requests in progress, by route",
                          {{"route", label}}));
    route_states_[route] = std::move(m);
  }
}

GatewayHandler::~GatewayHandler() = default;

GatewayHandler::RouteState& GatewayHandler::StateOf(const Route* route) {
  return *route_states_.at(route);
}

HttpResponse GatewayHandler::Json(const HttpRequest& request, int status, std::string body) const {
  HttpResponse response(static_cast<http::status>(status), request.version());
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  cors_.Decorate(request, response);
  return response;
}

HttpResponse GatewayHandler::Error(const HttpRequest& request, const HttpError& error,
                                   const std::string& request_id) const {
  HttpResponse response = Json(request, error.http_status, ErrorJson(error, request_id));
  auto retry = error.details.metadata().find("retryAfterSeconds");
  int64_t retry_seconds = 0;
  if (retry != error.details.metadata().end() && absl::SimpleAtoi(retry->second, &retry_seconds) &&
      retry_seconds >= 0) {
    response.set(http::field::retry_after, absl::StrCat(retry_seconds));
  } else if (error.http_status == 503) {
    response.set(http::field::retry_after, "1");
  }
  return response;
}

HttpResponse GatewayHandler::Refuse(int http_status, absl::string_view reason,
                                    absl::string_view message, const HttpRequest* head) {
  HttpRequest none;
  const HttpRequest& request = head != nullptr ? *head : none;
  grpc::StatusCode code = http_status == 503   ? grpc::StatusCode::UNAVAILABLE
                          : http_status == 501 ? grpc::StatusCode::UNIMPLEMENTED
                                               : grpc::StatusCode::INVALID_ARGUMENT;
  std::string request_id = head != nullptr ? RequestIdOf(*head) : platform::NewUuid();
  HttpResponse response =
      Error(request, GatewayError(http_status, code, reason, message), request_id);
  response.set("X-Request-Id", request_id);
  StateOf(nullptr).by_class[http_status / 100]->Increment();
  platform::LogInfo("http", {{"route", kUnmatched},
                             {"status", absl::StrCat(http_status)},
                             {"reason", std::string(reason)},
                             {"requestId", request_id}});
  return response;
}

void GatewayHandler::Handle(HttpRequest request, const std::string& peer,
                            std::function<void(HttpResponse)> respond) {
  auto exchange = std::make_shared<Exchange>();
  exchange->start = clock_.Now();
  exchange->request_id = RequestIdOf(request);
  exchange->respond = std::move(respond);
  exchange->request = std::move(request);
  const HttpRequest& req = exchange->request;

  absl::string_view target(req.target().data(), req.target().size());
  size_t question = target.find('?');
  absl::string_view path = target.substr(0, question);
  absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  // The gateway's own endpoints.
  if (req.method() == http::verb::get) {
    if (path == "/healthz") return Finish(*exchange, Json(req, 200, "{\"status\":\"ok\"}"), "");
    if (path == "/readyz") {
      bool ready = ready_.load();
      return Finish(*exchange,
                    Json(req, ready ? 200 : 503,
                         ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}"),
                    "");
    }
    if (path == "/openapi.json") {
      return Finish(*exchange, Json(req, 200, options_.openapi_json), "");
    }
    if (path == "/docs" || path.substr(0, 6) == "/docs/") {
      const DocsSite::Asset* asset = options_.docs ? options_.docs->Find(path) : nullptr;
      if (asset == nullptr) {
        return Finish(*exchange,
                      Error(req,
                            GatewayError(404, grpc::StatusCode::NOT_FOUND, "ROUTE_NOT_FOUND",
                                         options_.docs ? "no such documentation file"
                                                       : "the API viewer is not installed "
                                                         "(start the gateway with --docs-dir)"),
                            exchange->request_id),
                      "");
      }
      HttpResponse response(http::status::ok, req.version());
      response.set(http::field::content_type, asset->content_type);
      response.set(http::field::cache_control, "public, max-age=3600");
      response.body() = asset->body;
      return Finish(*exchange, std::move(response), "");
    }
    if (path == "/metrics") {
      HttpResponse response(http::status::ok, req.version());
      response.set(http::field::content_type, "text/plain; version=0.0.4");
      response.body() = metrics_.Scrape();
      return Finish(*exchange, std::move(response), "");
    }
  }
  if (Cors::IsPreflight(req)) return Finish(*exchange, cors_.Preflight(req), "");

  std::string method(req.method_string());
  RouteMatch match = routes_.Find(method, path);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    return Finish(*exchange,
                  Error(req,
                        GatewayError(404, grpc::StatusCode::NOT_FOUND, "ROUTE_NOT_FOUND",
                                     absl::StrCat("no route for ", method, " ", path)),
                        exchange->request_id),
                  "");
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    std::string allow;
    for (const auto& m : match.allowed_methods)
      absl::StrAppend(&allow, allow.empty() ? "" : ", ", m);
    HttpResponse response =
        Error(req,
              GatewayError(405, grpc::StatusCode::UNIMPLEMENTED, "METHOD_NOT_ALLOWED",
                           absl::StrCat(method, " is not allowed on ", path, "; allowed: ", allow)),
              exchange->request_id);
    response.set(http::field::allow, allow);
    return Finish(*exchange, std::move(response), "");
  }

  const Route* route = match.route;
  exchange->route = route;
  StateOf(route).in_flight->Increment();

  // Every header value that would become gRPC metadata is checked before anything else uses it.
  platform::CallMetadata metadata = {{"x-request-id", exchange->request_id},
                                     {"x-forwarded-for", peer}};
  if (auto refused = ForwardedMetadata(req, &metadata)) {
    return Finish(*exchange, Error(req, *refused, exchange->request_id), "");
  }
  if (auto refused = UnsupportedMediaType(req)) {
    return Finish(*exchange, Error(req, *refused, exchange->request_id), "");
  }

  // Who calls: a bad token is refused here, before any service is called. Anonymous routes
  // ignore tokens, as the services do.
  platform::Principal principal;
  if (auto auth = req.find(http::field::authorization);
      auth != req.end() && !route->access.anonymous()) {
    absl::string_view header(auth->value().data(), auth->value().size());
    absl::Status refused;
    if (!absl::StartsWithIgnoreCase(header, "Bearer ") || options_.verifier == nullptr) {
      refused = platform::Error(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                                "the Authorization header is not a bearer token");
    } else if (auto claims = options_.verifier->Verify(header.substr(7), clock_.Now());
               !claims.ok()) {
      refused = claims.status();
    } else if (claims->role == platform::kServiceRole) {
      // Service tokens are for calls between services; one arriving from outside was leaked.
      refused = platform::Error(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                                "service tokens are not accepted from outside");
    } else {
      principal = {.authenticated = true, .subject = claims->subject, .role = claims->role};
    }
    if (!refused.ok()) {
      return Finish(*exchange,
                    Error(req, FromGrpc(platform::ToGrpcStatus(refused)), exchange->request_id),
                    "");
    }
  }

  if (options_.limiter != nullptr) {
    // Per verified principal, else per client address.
    const std::string& rate_class = StateOf(route).rate_class;
    absl::string_view caller = principal.authenticated
                                   ? absl::string_view(principal.subject)
                                   : absl::string_view(peer).substr(0, peer.rfind(':'));
    RateDecision decision = options_.limiter->Take(rate_class, caller, clock_.Now());
    if (!decision.allowed) {
      metrics_
          .AddCounter("crm_gateway_rate_limited_total", "Requests refused by rate limits, by class",
                      {{"class", rate_class}})
          .Increment();
      int64_t seconds = std::max<int64_t>(
          1, absl::ToInt64Seconds(absl::Ceil(decision.retry_after, absl::Seconds(1))));
      HttpResponse response =
          Error(req,
                GatewayError(429, grpc::StatusCode::RESOURCE_EXHAUSTED, "RATE_LIMITED",
                             absl::StrCat("too many requests; retry in ", seconds, " s")),
                exchange->request_id);
      response.set(http::field::retry_after, absl::StrCat(seconds));
      return Finish(*exchange, std::move(response), "");
    }
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> message(
      factory->GetPrototype(route->method->input_type())->New());
  absl::Status built = BuildRequest(
      {.captures = match.captures, .query = query, .body = req.body(), .body_field = route->body},
      message.get(), options_.limits);
  if (!built.ok()) {
    return Finish(*exchange,
                  Error(req, AsClientWrote(*route, FromGrpc(platform::ToGrpcStatus(built))),
                        exchange->request_id),
                  "");
  }
  // The route's access option, applied early (the service applies it again): wrong roles and
  // other customers' records never leave the gateway.
  if (absl::Status allowed = platform::Authorize(route->access, principal, *message);
      !allowed.ok()) {
    return Finish(*exchange,
                  Error(req, FromGrpc(platform::ToGrpcStatus(allowed)), exchange->request_id), "");
  }

  exchange->reply.reset(factory->GetPrototype(route->method->output_type())->New());
  upstreams_.Call(route->area, route->grpc_method, message->SerializeAsString(),
                  StateOf(route).deadline, metadata, [this, exchange](platform::RawReply reply) {
                    Complete(exchange, std::move(reply));
                  });
}

void GatewayHandler::Complete(std::shared_ptr<Exchange> exchange, platform::RawReply reply) {
  const HttpRequest& req = exchange->request;
  std::string upstream_status = platform::CodeName(reply.status.error_code());
  if (!reply.status.ok()) {
    metrics_
        .AddCounter("crm_gateway_upstream_errors_total",
                    "Errors from the services, by service and code",
                    {{"service", exchange->route->area}, {"code", upstream_status}})
        .Increment();
    return Finish(
        *exchange,
        Error(req, AsClientWrote(*exchange->route, FromGrpc(reply.status)), exchange->request_id),
        upstream_status);
  }
  if (!exchange->reply->ParseFromString(reply.bytes)) {
    return Finish(*exchange,
                  Error(req,
                        GatewayError(502, grpc::StatusCode::INTERNAL, "BAD_UPSTREAM_REPLY",
                                     "the service sent an unreadable answer"),
                        exchange->request_id),
                  upstream_status);
  }
  const Route& route = *exchange->route;
  if (route.success_code == 204) {
    HttpResponse response(http::status::no_content, req.version());
    cors_.Decorate(req, response);
    return Finish(*exchange, std::move(response), upstream_status);
  }
  auto json = ResponseJson(*exchange->reply);
  if (!json.ok()) {
    return Finish(*exchange,
                  Error(req,
                        GatewayError(500, grpc::StatusCode::INTERNAL, "INTERNAL",
                                     "the answer could not be written as JSON"),
                        exchange->request_id),
                  upstream_status);
  }
  HttpResponse response = Json(req, route.success_code, std::move(*json));
  // A service is trusted, but what becomes a header is still checked: no byte can split it.
  if (std::string etag = EtagOf(*exchange->reply);
      !etag.empty() && PrintableAscii(etag) && etag.find('"') == std::string::npos) {
    response.set(http::field::etag, absl::StrCat("\"", etag, "\""));
  }
  if (route.success_code == 201 && route.location != nullptr) {
    if (auto location = ExpandPath(route.location->path.text(), *exchange->reply)) {
      response.set(http::field::location, *location);
    }
  }
  Finish(*exchange, std::move(response), upstream_status);
}

void GatewayHandler::Finish(Exchange& exchange, HttpResponse response,
                            const std::string& upstream_status) {
  response.set("X-Request-Id", exchange.request_id);
  int status = static_cast<int>(response.result_int());
  double seconds = absl::ToDoubleSeconds(clock_.Now() - exchange.start);
  RouteState& m = StateOf(exchange.route);
  m.by_class[std::min(5, std::max(1, status / 100))]->Increment();
  m.latency->Observe(seconds);
  if (exchange.route) m.in_flight->Decrement();
  platform::LogInfo("http", {{"method", std::string(exchange.request.method_string())},
                             {"route", exchange.route ? exchange.route->path.text() : kUnmatched},
                             {"status", absl::StrCat(status)},
                             {"latencyMs", absl::StrCat(seconds * 1000)},
                             {"bytes", absl::StrCat(response.body().size())},
                             {"requestId", exchange.request_id},
                             {"upstreamStatus", upstream_status}});
  exchange.respond(std::move(response));
}

}  // namespace crm::gateway
