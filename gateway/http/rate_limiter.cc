#include "gateway/http/rate_limiter.h"

#include <algorithm>
#include <functional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crm::gateway {

RateLimiter::RateLimiter(std::map<std::string, RateLimit> limits, size_t max_buckets_per_shard)
    : limits_(std::move(limits)), max_buckets_per_shard_(max_buckets_per_shard) {}

RateDecision RateLimiter::Take(absl::string_view route_class, absl::string_view caller,
                               absl::Time now) {
  auto limit = limits_.find(std::string(route_class));
  if (limit == limits_.end() || limit->second.burst <= 0) return {};
  const RateLimit& l = limit->second;
  double per_second = l.burst / absl::ToDoubleSeconds(l.window);
  std::string key = absl::StrCat(route_class, "|", caller);
  Shard& shard = shards_[std::hash<std::string>()(key) % shards_.size()];

  absl::MutexLock lock(&shard.mu);
  if (shard.buckets.size() >= max_buckets_per_shard_) {
    // Full buckets are the same as absent ones: drop them.
    std::erase_if(shard.buckets, [&](const auto& entry) {
      return entry.second.tokens + absl::ToDoubleSeconds(now - entry.second.updated) * per_second >=
             l.burst;
    });
  }
  auto [it, inserted] = shard.buckets.try_emplace(key, Bucket{l.burst, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
    bucket.tokens = std::min(l.burst, bucket.tokens + elapsed * per_second);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return {};
  }
  return {.allowed = false, .retry_after = absl::Seconds((1 - bucket.tokens) / per_second)};
}

absl::StatusOr<RateLimit> RateLimiter::Parse(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  RateLimit limit;
  if (parts.size() == 2 && absl::SimpleAtod(parts[0], &limit.burst) && limit.burst > 0 &&
      absl::ParseDuration(parts[1], &limit.window) && limit.window > absl::ZeroDuration()) {
    return limit;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("rate limit '", text, "' is not <requests>/<duration>, e.g. 600/60s"));
}

}  // namespace crm::gateway
