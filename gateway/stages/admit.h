// Stage 3, admit: whether the gateway takes the call now. The route class's token bucket
// (rate_limiter.h), per verified principal, else per client address: over it, 429 RATE_LIMITED
// with Retry-After, counted in crm_gateway_rate_limited_total{class}.
//
//   if (std::optional<HttpError> refused = Admit(limiter, "strict", *exchange, now, metrics)) ...
//
// Thread-safe when the limiter is.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gateway/errors/http_errors.h"
#include "gateway/http/rate_limiter.h"
#include "gateway/stages/exchange.h"
#include "platform/base/metrics.h"

namespace crm::gateway {

// `limiter`: nullptr admits everything.
std::optional<HttpError> Admit(RateLimiter* limiter, const std::string& rate_class,
                               const Exchange& exchange, absl::Time now,
                               platform::Metrics& metrics);

}  // namespace crm::gateway
