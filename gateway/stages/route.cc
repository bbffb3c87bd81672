#include "gateway/stages/route.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/errors/reasons.h"
#include "gateway/http/forwarded_headers.h"

namespace crm::gateway {
namespace {

namespace http = boost::beast::http;

// A body that is there must be JSON: a form post or plain text answers 415 rather than a
// JSON parse error. No Content-Type at all is read as JSON (many clients leave it out).
std::optional<HttpError> UnsupportedMediaType(const HttpRequest& request) {
  if (absl::StripAsciiWhitespace(request.body()).empty()) return std::nullopt;
  auto it = request.find(http::field::content_type);
  if (it == request.end()) return std::nullopt;
  absl::string_view type(it->value().data(), it->value().size());
  type = absl::StripAsciiWhitespace(type.substr(0, type.find(';')));
  if (absl::EqualsIgnoreCase(type, "application/json")) return std::nullopt;
  return GatewayError(415, grpc::StatusCode::INVALID_ARGUMENT, kReasonUnsupportedMediaType,
                      "the request body must be application/json");
}

}  // namespace

std::optional<HttpError> RouteRequest(const RouteTable& routes, Exchange& exchange) {
  const HttpRequest& request = exchange.request;
  std::string method(request.method_string());
  RouteMatch match = routes.Find(method, exchange.path);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    return GatewayError(404, grpc::StatusCode::NOT_FOUND, kReasonRouteNotFound,
                        absl::StrCat("no route for ", method, " ", exchange.path));
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    std::string allow;
    for (const auto& m : match.allowed_methods) {
      absl::StrAppend(&allow, allow.empty() ? "" : ", ", m);
    }
    HttpError error = GatewayError(
        405, grpc::StatusCode::UNIMPLEMENTED, kReasonMethodNotAllowed,
        absl::StrCat(method, " is not allowed on ", exchange.path, "; allowed: ", allow));
    error.headers.emplace_back("Allow", std::move(allow));
    return error;
  }
  exchange.route = match.route;
  exchange.captures = std::move(match.captures);

  // Every header value that would become gRPC metadata is checked before anything else uses it.
  exchange.metadata = {{"x-request-id", exchange.request_id}, {"x-forwarded-for", exchange.peer}};
  if (auto refused = ForwardedMetadata(request, &exchange.metadata)) return refused;
  return UnsupportedMediaType(request);
}

}  // namespace crm::gateway
