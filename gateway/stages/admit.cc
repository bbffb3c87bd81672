#include "gateway/stages/admit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"

namespace crm::gateway {

std::optional<HttpError> Admit(RateLimiter* limiter, const std::string& rate_class,
                               const Exchange& exchange, absl::Time now,
                               platform::Metrics& metrics) {
  if (limiter == nullptr) return std::nullopt;
  const platform::Principal& principal = exchange.principal;
  absl::string_view peer = exchange.peer;
  absl::string_view caller = principal.authenticated ? absl::string_view(principal.subject)
                                                     : peer.substr(0, peer.rfind(':'));
  RateDecision decision = limiter->Take(rate_class, caller, now);
  if (decision.allowed) return std::nullopt;
  metrics
      .AddCounter("crm_gateway_rate_limited_total", "Requests refused by rate limits, by class",
                  {{"class", rate_class}})
      .Increment();
  int64_t seconds = std::max<int64_t>(
      1, absl::ToInt64Seconds(absl::Ceil(decision.retry_after, absl::Seconds(1))));
  HttpError error =
      GatewayError(429, grpc::StatusCode::RESOURCE_EXHAUSTED, platform::kReasonRateLimited,
                   absl::StrCat("too many requests; retry in ", seconds, " s"));
  error.headers.emplace_back("Retry-After", absl::StrCat(seconds));
  return error;
}

}  // namespace crm::gateway
