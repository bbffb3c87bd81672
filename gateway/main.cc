// crm-gateway: the REST API of the CRM backend. Routes come from the protos' HTTP rules;
// requests become generic gRPC calls to the services.
#include <grpcpp/grpcpp.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/auth/partner_authenticator.h"
#include "gateway/auth/partner_secrets.h"
#include "gateway/auth/partner_tokens.h"
#include "gateway/http/docs_site.h"
#include "gateway/http/gateway_handler.h"
#include "gateway/http/http_server.h"
#include "gateway/openapi/openapi_document.h"
#include "gateway/routing/route_table.h"
#include "gateway/upstream/upstreams.h"
#include "platform/base/clock.h"
#include "platform/base/flags.h"
#include "platform/base/log.h"
#include "platform/base/metrics.h"
#include "platform/base/process.h"
#include "platform/base/ready_file.h"
#include "platform/base/signals.h"
#include "platform/rpc/service_tokens.h"

using namespace crm;

namespace {

// "customers=127.0.0.1:50051,orders=127.0.0.1:50052" -> {area: address}.
absl::StatusOr<std::map<std::string, std::string>> ParseUpstreams(const std::string& text) {
  std::map<std::string, std::string> upstreams;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--upstreams: '", item, "' is not area=host:port"));
    }
    upstreams[parts[0]] = parts[1];
  }
  return upstreams;
}

}  // namespace

int main(int argc, char** argv) {
  platform::BlockTerminationSignals();
  platform::InitProcess("gateway");
  platform::Flags flags("gateway", argc, argv);
  gateway::HttpServerOptions http;
  http.address = flags.String("address", "127.0.0.1", "HTTP listen address");
  http.port =
      static_cast<int>(flags.Int("port", 8080, "HTTP listen port (0: any free one)", 0, 65535));
  http.threads = static_cast<int>(flags.Int("threads", 0, "io threads (0: one per core)", 0, 256));
  http.max_body_bytes = static_cast<size_t>(
      flags.Int("max-body-bytes", 1 << 20, "largest request body (larger: 413)", 0, 1 << 30));
  http.max_header_bytes = static_cast<size_t>(
      flags.Int("max-header-bytes", 16 << 10, "largest request head (larger: 431)", 1024, 1 << 20));
  http.read_timeout = absl::Milliseconds(
      flags.Int("read-timeout-ms", 10000, "time to receive one request, ms", 100, 600000));
  http.idle_timeout = absl::Milliseconds(
      flags.Int("idle-timeout-ms", 60000, "keep-alive idle time, ms", 100, 3600000));
  http.max_connections = static_cast<int>(
      flags.Int("max-connections", 10000, "open connections (more: 503)", 1, 1000000));
  gateway::GatewayOptions options;
  options.deadline = absl::Milliseconds(flags.Int(
      "deadline-ms", 5000, "deadline of each call to a service (then 504), ms", 1, 600000));
  options.limits.max_json_depth =
      static_cast<int>(flags.Int("max-json-depth", 32, "JSON nesting allowed in bodies", 1, 1000));
  for (absl::string_view origin :
       absl::StrSplit(flags.String("cors-origins", "", "comma-separated origins allowed by CORS"),
                      ',', absl::SkipEmpty())) {
    options.cors_origins.emplace_back(origin);
  }
  int upstream_channels = static_cast<int>(
      flags.Int("upstream-channels", 2, "HTTP/2 connections to each service", 1, 64));
  std::string route_deadlines = flags.String(
      "route-deadlines", "", "per-route deadlines, ms: 'POST /v1/customers=10000,GET /v1/x=200'");
  std::string default_limit = flags.String(
      "rate-limit-default", "", "per client, all routes not strict, e.g. 1200/60s; empty: none");
  std::string strict_limit = flags.String(
      "rate-limit-strict", "10/60s", "per client, the strict routes (registration, login, reset)");
  std::string strict_routes = flags.String(
      "strict-routes", "",
      "routes put in the strict class besides those the protos declare (rate_class: STRICT), "
      "comma-separated 'METHOD /template'");
  std::string token_keys = flags.String(
      "token-public-keys", "", "trusted token issuers: issuer=public-key.pem,... (empty: none)");
  std::string token_audience =
      flags.String("token-audience", "crm", "the audience tokens must name");
  std::string token_algorithm =
      flags.String("token-algorithm", "ES256", "the one token algorithm accepted");
  int64_t dev_clock_offset_s = flags.Int(
      "dev-clock-offset-s", 0,
      "the services' dev clock offset, seconds: tokens are checked on that clock (dev only)", 0,
      100LL * 365 * 86400);
  std::string service_key = flags.String(
      "service-private-key", "",
      "PEM key of the gateway's own service identity (issuer crm/svc/gateway), for reading "
      "partners' secrets; empty: none");
  std::string partner_key = flags.String(
      "partner-token-key", "",
      "PEM key the gateway signs partner tokens with (issuer crm/gateway); empty: partner routes "
      "answer 503");
  int64_t partner_token_ttl_s = flags.Int(
      "partner-token-ttl-s", 60, "lifetime of the tokens made for partners, seconds", 10, 3600);
  int64_t partner_window_s =
      flags.Int("partner-signature-window-s", 300,
                "how far a partner's X-Timestamp may be from the gateway's time, seconds", 1, 3600);
  int64_t partner_cache_s =
      flags.Int("partner-secret-cache-s", 60,
                "how long a partner's secrets are kept once read, seconds", 0, 3600);
  std::string upstream_list = flags.RequiredString(
      "upstreams", "services as area=host:port, comma-separated (customers=127.0.0.1:50051,...)");
  std::string ready_file = flags.String("ready-file", "", "JSON file written once serving");
  std::string docs_dir =
      flags.String("docs-dir", "", "swagger-ui-dist folder for /docs (./crm installs it from npm)");
  std::string public_url =
      flags.String("public-url", "", "the API's URL as clients see it (OpenAPI servers)");
  absl::Duration grace = absl::Milliseconds(flags.Int(
      "shutdown-grace-ms", 5000, "time requests in progress get at shutdown, ms", 0, 60000));
  std::string log_level = flags.String("log-level", "info",
                                       "debug, info (one access line per request), warning, error");
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
  platform::LogLevel level;
  if (!platform::ParseLogLevel(log_level, &level)) {
    return platform::ExitForFlags(absl::InvalidArgumentError("--log-level: " + log_level));
  }
  platform::SetLogLevel(level);

  auto upstreams = ParseUpstreams(upstream_list);
  if (!upstreams.ok()) return platform::ExitForFlags(upstreams.status());
  auto routes = gateway::RouteTable::Build(gateway::RouteTable::GeneratedServices());
  if (!routes.ok()) return platform::ExitForStartup(routes.status());
  for (absl::string_view item : absl::StrSplit(route_deadlines, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    int64_t ms = 0;
    bool known = false;
    for (const auto& route : routes->routes()) {
      known |= parts[0] == absl::StrCat(route->http_method, " ", route->path.text());
    }
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &ms) || ms <= 0 || !known) {
      return platform::ExitForFlags(absl::InvalidArgumentError(absl::StrCat(
          "--route-deadlines: '", item, "' is not 'METHOD /template=ms' for a known route")));
    }
    options.route_deadlines[parts[0]] = absl::Milliseconds(ms);
  }
  bool partner_routes = false;
  for (const auto& route : routes->routes()) {
    for (const std::string& area : gateway::AreasNeeded(*route)) {
      if (!upstreams->contains(area)) {
        return platform::ExitForStartup(absl::FailedPreconditionError(
            absl::StrCat("no upstream for '", area, "' (route ", route->http_method, " ",
                         route->path.text(), "): add ", area, "=host:port to --upstreams")));
      }
    }
    partner_routes |= route->access.authentication() == api::v1::Access::PARTNER_SIGNATURE;
  }

  options.openapi_json =
      gateway::OpenApiDocument(*routes, {.title = "CRM API",
                                         .version = "v1",
                                         // "/" (same origin) keeps the document valid unconfigured.
                                         .server_url = public_url.empty() ? "/" : public_url,
                                         .source_info = &gateway::GeneratedSourceInfo()});
  std::optional<gateway::DocsSite> docs;
  if (!docs_dir.empty()) {
    auto loaded = gateway::DocsSite::Load(docs_dir);
    if (!loaded.ok()) return platform::ExitForStartup(loaded.status());
    docs = std::move(*loaded);
    options.docs = &*docs;
  }

  std::map<std::string, gateway::RateLimit> limits;
  for (const auto& [name, text] :
       {std::pair{"default", default_limit}, std::pair{"strict", strict_limit}}) {
    if (text.empty()) continue;
    auto limit = gateway::RateLimiter::Parse(text);
    if (!limit.ok()) return platform::ExitForFlags(limit.status());
    limits[name] = *limit;
  }
  for (absl::string_view route : absl::StrSplit(strict_routes, ',', absl::SkipEmpty())) {
    options.route_classes[std::string(absl::StripAsciiWhitespace(route))] = "strict";
  }
  platform::SystemClock clock;
  options.clock = &clock;
  if (dev_clock_offset_s != 0) {
    clock.SetOffset(absl::Seconds(dev_clock_offset_s));
    platform::LogWarning(
        "tokens are checked on a moved clock (--dev-clock-offset-s): local "
        "development only",
        {{"offsetSeconds", absl::StrCat(dev_clock_offset_s)}});
  }
  auto verifier = platform::LoadTokenVerifier(token_keys, token_audience, token_algorithm);
  if (!verifier.ok()) return platform::ExitForStartup(verifier.status());
  options.verifier = verifier->get();
  if (!options.verifier)
    platform::LogWarning("no token issuer configured: only anonymous routes answer", {});
  gateway::RateLimiter limiter(limits);
  options.limiter = &limiter;

  auto metrics = platform::Metrics::InMemory();
  gateway::Upstreams channels(*upstreams, upstream_channels);

  // Partner signatures: the gateway's service identity reads the secrets, its partner key signs
  // the tokens it forwards.
  std::unique_ptr<platform::ServiceTokens> identity;
  std::unique_ptr<gateway::PartnerTokens> partner_tokens;
  std::optional<gateway::PartnerSecrets> partner_secrets;
  std::optional<gateway::PartnerAuthenticator> partner;
  if (partner_routes && (partner_key.empty() || service_key.empty())) {
    return platform::ExitForStartup(absl::FailedPreconditionError(
        "routes authenticate by partner signature: pass --partner-token-key and "
        "--service-private-key"));
  }
  if (!partner_key.empty()) {
    auto key = platform::ReadFile(partner_key);
    if (!key.ok()) return platform::ExitForStartup(key.status());
    auto tokens = gateway::PartnerTokens::Create({.private_key_pem = *key,
                                                  .algorithm = token_algorithm,
                                                  .audience = token_audience,
                                                  .lifetime = absl::Seconds(partner_token_ttl_s)},
                                                 clock);
    if (!tokens.ok()) return platform::ExitForStartup(tokens.status());
    partner_tokens = std::move(*tokens);
  }
  if (!service_key.empty()) {
    auto key = platform::ReadFile(service_key);
    if (!key.ok()) return platform::ExitForStartup(key.status());
    auto tokens = platform::ServiceTokens::Create({.service = "gateway",
                                                   .private_key_pem = *key,
                                                   .algorithm = token_algorithm,
                                                   .audience = token_audience},
                                                  clock);
    if (!tokens.ok()) return platform::ExitForStartup(tokens.status());
    identity = std::move(*tokens);
  }
  if (partner_tokens != nullptr) {
    partner_secrets.emplace(channels, identity.get(), clock,
                            gateway::PartnerSecretsOptions{.keep = absl::Seconds(partner_cache_s)});
    partner.emplace(*partner_secrets, *partner_tokens, clock,
                    gateway::PartnerAuthenticatorOptions{.window = absl::Seconds(partner_window_s),
                                                         .metrics = metrics.get()});
    options.partner_signature = &*partner;
  }
  gateway::GatewayHandler handler(*routes, channels, *metrics, options);
  gateway::HttpServer server(http, handler);
  if (absl::Status s = server.Start(); !s.ok()) return platform::ExitForStartup(s);
  handler.SetReady(true);
  std::string address = absl::StrCat(http.address, ":", server.port());
  if (!ready_file.empty()) {
    if (absl::Status s = platform::WriteReadyFile(
            ready_file,
            {{"service", "gateway"}, {"http", address}, {"pid", absl::StrCat(getpid())}});
        !s.ok()) {
      return platform::ExitForStartup(s);
    }
  }
  platform::LogInfo("serving", {{"http", absl::StrCat("http://", address)},
                                {"routes", absl::StrCat(routes->routes().size())},
                                {"upstreams", upstream_list}});

  platform::AwaitTerminationSignal();
  platform::LogInfo("shutting down", {});
  handler.SetReady(false);
  server.Stop(grace);
  if (!ready_file.empty()) std::remove(ready_file.c_str());
  platform::LogInfo("stopped", {});
  return 0;
}
