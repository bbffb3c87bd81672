#include "gateway/http/rate_limiter.h"

#include <catch2/catch.hpp>

namespace crm::gateway {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST_CASE("a burst passes, the next request waits for a refill", "[rate_limiter]") {
  RateLimiter limiter({{"strict", {.burst = 3, .window = absl::Seconds(30)}}});
  for (int i = 0; i < 3; ++i) CHECK(limiter.Take("strict", "1.2.3.4", kStart).allowed);
  RateDecision refused = limiter.Take("strict", "1.2.3.4", kStart);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == absl::Seconds(10));  // one of 3 per 30 s
  // Another caller and an unlimited class are not affected.
  CHECK(limiter.Take("strict", "5.6.7.8", kStart).allowed);
  CHECK(limiter.Take("other", "1.2.3.4", kStart).allowed);
  // After the Retry-After, one more passes; the window refills the whole burst.
  CHECK_FALSE(limiter.Take("strict", "1.2.3.4", kStart + absl::Seconds(9)).allowed);
  CHECK(limiter.Take("strict", "1.2.3.4", kStart + absl::Seconds(10)).allowed);
  absl::Time later = kStart + absl::Seconds(45);
  for (int i = 0; i < 3; ++i) CHECK(limiter.Take("strict", "1.2.3.4", later).allowed);
  CHECK_FALSE(limiter.Take("strict", "1.2.3.4", later).allowed);
}

TEST_CASE("idle full buckets are dropped when a shard is full, others kept", "[rate_limiter]") {
  RateLimiter limiter({{"c", {.burst = 1, .window = absl::Seconds(60)}}}, /*per shard=*/2);
  for (int i = 0; i < 200; ++i) {
    CHECK(limiter.Take("c", "caller-" + std::to_string(i), kStart).allowed);
  }
  // Long after, every bucket has refilled: memory was reclaimed and everyone may pass again.
  for (int i = 0; i < 200; ++i) {
    CHECK(limiter.Take("c", "caller-" + std::to_string(i), kStart + absl::Hours(1)).allowed);
  }
}

TEST_CASE("limits parse from text", "[rate_limiter]") {
  auto limit = RateLimiter::Parse("600/60s");
  REQUIRE(limit.ok());
  CHECK(limit->burst == 600);
  CHECK(limit->window == absl::Seconds(60));
  CHECK(RateLimiter::Parse("10/1m").ok());
  for (const char* bad : {"", "600", "x/60s", "0/60s", "5/0s", "5/soon"}) {
    CHECK_FALSE(RateLimiter::Parse(bad).ok());
  }
}

}  // namespace
}  // namespace crm::gateway
