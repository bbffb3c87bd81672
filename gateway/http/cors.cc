#include "gateway/http/cors.h"

namespace crm::gateway {
namespace http = boost::beast::http;

namespace {

constexpr char kAllowMethods[] = "GET, POST, PUT, PATCH, DELETE";
constexpr char kAllowHeaders[] =
    "Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id, traceparent, "
    "tracestate";
constexpr char kExposeHeaders[] = "ETag, Location, X-Request-Id, Retry-After";
constexpr char kMaxAgeSeconds[] = "600";

}  // namespace

Cors::Cors(const std::vector<std::string>& origins) {
  for (const auto& origin : origins) {
    if (origin == "*") any_ = true;
    if (!origin.empty()) origins_.insert(origin);
  }
}

bool Cors::Allowed(const std::string& origin) const {
  return !origin.empty() && (any_ || origins_.contains(origin));
}

bool Cors::IsPreflight(const HttpRequest& request) {
  return request.method() == http::verb::options && request.count(http::field::origin) > 0 &&
         request.count(http::field::access_control_request_method) > 0;
}

HttpResponse Cors::Preflight(const HttpRequest& request) const {
  HttpResponse response(http::status::no_content, request.version());
  std::string origin(request[http::field::origin]);
  if (Allowed(origin)) {
    response.set(http::field::access_control_allow_origin, origin);
    response.set(http::field::access_control_allow_methods, kAllowMethods);
    response.set(http::field::access_control_allow_headers, kAllowHeaders);
    response.set(http::field::access_control_max_age, kMaxAgeSeconds);
  }
  response.set(http::field::vary, "Origin");
  return response;
}

void Cors::Decorate(const HttpRequest& request, HttpResponse& response) const {
  std::string origin(request[http::field::origin]);
  if (!Allowed(origin)) return;
  response.set(http::field::access_control_allow_origin, origin);
  response.set(http::field::access_control_expose_headers, kExposeHeaders);
  response.set(http::field::vary, "Origin");
}

}  // namespace crm::gateway
