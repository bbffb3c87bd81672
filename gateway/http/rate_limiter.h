// Token buckets for the gateway's rate limits: one bucket per (route class, caller), where the
// caller is the client's address (the verified principal once tokens exist). A class allows
// `burst` requests at once and refills at burst per `window`; past that a request is refused
// with the time until a token is back, for Retry-After.
//
//   RateLimiter limiter({{"default", {.burst = 600, .window = absl::Minutes(1)}},
//                        {"strict", {.burst = 10, .window = absl::Minutes(1)}}});
//   RateDecision d = limiter.Take("strict", "203.0.113.7", absl::Now());
//   if (!d.allowed) ... 429, Retry-After: d.retry_after
//
// Memory stays bounded: buckets that have refilled completely carry no information and are
// dropped when a shard grows past its cap. Thread-safe; callers are spread over 16 shards.
#pragma once

#include <array>
#include <map>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace crm::gateway {

struct RateLimit {
  // Requests allowed at once.
  double burst = 0;
  // Time to refill `burst` requests.
  absl::Duration window = absl::Minutes(1);
};

struct RateDecision {
  bool allowed = true;
  // When refused: how long until one request would be allowed.
  absl::Duration retry_after;
};

class RateLimiter {
 public:
  // `limits` by class name; a class with no entry is not limited.
  explicit RateLimiter(std::map<std::string, RateLimit> limits,
                       size_t max_buckets_per_shard = 65536);

  RateDecision Take(absl::string_view route_class, absl::string_view caller, absl::Time now);

  // "600/60s" -> {600, 60 s}. Errors: INVALID_ARGUMENT.
  static absl::StatusOr<RateLimit> Parse(absl::string_view text);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  struct Shard {
    absl::Mutex mu;
    std::unordered_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };

  const std::map<std::string, RateLimit> limits_;
  const size_t max_buckets_per_shard_;
  std::array<Shard, 16> shards_;
};

}  // namespace crm::gateway
