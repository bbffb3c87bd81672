// CORS for the browser frontends: configured origins may call the API; preflights are
// answered here, and answers expose the headers clients need (ETag, Location, X-Request-Id,
// Retry-After).
//
//   Cors cors({"https://shop.example"});
//   if (cors.IsPreflight(request)) return cors.Preflight(request);
//   cors.Decorate(request, response);
//
// Thread-safe (immutable after construction).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "gateway/http/http_server.h"

namespace crm::gateway {

class Cors {
 public:
  // `origins`: exact origins ("https://shop.example"); "*" allows any origin.
  explicit Cors(const std::vector<std::string>& origins);

  // An OPTIONS request with Origin and Access-Control-Request-Method.
  static bool IsPreflight(const HttpRequest& request);
  // 204; with the Access-Control-Allow-* headers when the origin is allowed, without them
  // (so the browser refuses) when it is not.
  HttpResponse Preflight(const HttpRequest& request) const;
  // Adds Access-Control-Allow-Origin and -Expose-Headers when the request's origin is allowed.
  void Decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  bool Allowed(const std::string& origin) const;

  std::set<std::string> origins_;
  bool any_ = false;
};

}  // namespace crm::gateway
