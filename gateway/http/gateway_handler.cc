#include "gateway/http/gateway_handler.h"

#include "absl/strings/str_cat.h"
#include "gateway/errors/http_errors.h"
#include "gateway/errors/reasons.h"
#include "gateway/stages/admit.h"
#include "gateway/stages/answer.h"
#include "gateway/stages/route.h"
#include "gateway/stages/transcode.h"
#include "platform/auth/access.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"

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

GatewayHandler::GatewayHandler(const RouteTable& routes, Upstreams& upstreams,
                               platform::Metrics& metrics, GatewayOptions options)
    : routes_(routes),
      metrics_(metrics),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemTime()),
      cors_(options_.cors_origins),
      bearer_(options_.verifier, clock_),
      authenticators_(bearer_, options_.partner_signature),
      caller_(upstreams, metrics) {
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

HttpResponse GatewayHandler::Refuse(int http_status, absl::string_view reason,
                                    absl::string_view message, const HttpRequest* head) {
  HttpRequest none;
  const HttpRequest& request = head != nullptr ? *head : none;
  grpc::StatusCode code = http_status == 503   ? grpc::StatusCode::UNAVAILABLE
                          : http_status == 501 ? grpc::StatusCode::UNIMPLEMENTED
                                               : grpc::StatusCode::INVALID_ARGUMENT;
  std::string request_id = head != nullptr ? RequestIdOf(*head) : platform::NewUuid();
  HttpResponse response =
      ErrorAnswer(request, GatewayError(http_status, code, reason, message), request_id, cors_);
  response.set("X-Request-Id", request_id);
  StateOf(nullptr).by_class[http_status / 100]->Increment();
  platform::LogInfo("http", {{"route", kUnmatched},
                             {"status", absl::StrCat(http_status)},
                             {"reason", std::string(reason)},
                             {"requestId", request_id}});
  return response;
}

std::optional<HttpResponse> GatewayHandler::OwnEndpoint(const Exchange& exchange) const {
  const HttpRequest& req = exchange.request;
  const absl::string_view path = exchange.path;
  if (req.method() != http::verb::get) return std::nullopt;
  if (path == "/healthz") return JsonAnswer(req, 200, "{\"status\":\"ok\"}", cors_);
  if (path == "/readyz") {
    bool ready = ready_.load();
    return JsonAnswer(req, ready ? 200 : 503,
                      ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}", cors_);
  }
  if (path == "/openapi.json") return JsonAnswer(req, 200, options_.openapi_json, cors_);
  if (path == "/docs" || path.substr(0, 6) == "/docs/") {
    const DocsSite::Asset* asset = options_.docs ? options_.docs->Find(path) : nullptr;
    if (asset == nullptr) {
      return ErrorAnswer(req,
                         GatewayError(404, grpc::StatusCode::NOT_FOUND, kReasonRouteNotFound,
                                      options_.docs ? "no such documentation file"
                                                    : "the API viewer is not installed "
                                                      "(start the gateway with --docs-dir)"),
                         exchange.request_id, cors_);
    }
    HttpResponse response(http::status::ok, req.version());
    response.set(http::field::content_type, asset->content_type);
    response.set(http::field::cache_control, "public, max-age=3600");
    response.body() = asset->body;
    return response;
  }
  if (path == "/metrics") {
    HttpResponse response(http::status::ok, req.version());
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    response.body() = metrics_.Scrape();
    return response;
  }
  return std::nullopt;
}

void GatewayHandler::Handle(HttpRequest request, const std::string& peer,
                            std::function<void(HttpResponse)> respond) {
  auto exchange = std::make_shared<Exchange>();
  exchange->start = clock_.Now();
  exchange->request_id = RequestIdOf(request);
  exchange->peer = peer;
  exchange->respond = std::move(respond);
  exchange->request = std::move(request);
  absl::string_view target(exchange->request.target().data(), exchange->request.target().size());
  size_t question = target.find('?');
  exchange->path = target.substr(0, question);
  exchange->query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  if (auto own = OwnEndpoint(*exchange)) return Finish(*exchange, *std::move(own), "");
  if (Cors::IsPreflight(exchange->request)) {
    return Finish(*exchange, cors_.Preflight(exchange->request), "");
  }

  std::optional<HttpError> refused = RouteRequest(routes_, *exchange);
  if (exchange->route != nullptr) StateOf(exchange->route).in_flight->Increment();
  if (refused) return Fail(*exchange, *refused);
  authenticators_.Authenticate(exchange, [this, exchange](std::optional<HttpError> unknown) {
    if (unknown) return Fail(*exchange, *unknown);
    Proceed(exchange);
  });
}

void GatewayHandler::Proceed(std::shared_ptr<Exchange> exchange) {
  const RouteState& state = StateOf(exchange->route);
  if (auto refused = Admit(options_.limiter, state.rate_class, *exchange, clock_.Now(), metrics_)) {
    return Fail(*exchange, *refused);
  }
  if (auto refused = Transcode(options_.limits, *exchange)) return Fail(*exchange, *refused);
  caller_.Call(exchange, state.deadline, [this, exchange](Reply reply) {
    if (reply.error) return Fail(*exchange, *reply.error, reply.upstream_status);
    Finish(*exchange,
           Answer(*exchange->route, exchange->request, *reply.message, exchange->request_id, cors_),
           reply.upstream_status);
  });
}

void GatewayHandler::Fail(Exchange& exchange, const HttpError& error,
                          const std::string& upstream_status) {
  Finish(exchange, ErrorAnswer(exchange.request, error, exchange.request_id, cors_),
         upstream_status);
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
