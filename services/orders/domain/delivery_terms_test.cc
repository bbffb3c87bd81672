#include "orders/domain/delivery_terms.h"

#include <catch2/catch.hpp>

#include "platform/base/proto_time.h"

namespace crm::orders {
namespace {

const absl::Time kReady = absl::FromUnixSeconds(1'800'000'000);

v1::Delivery Speed(v1::Delivery::Speed speed) {
  v1::Delivery delivery;
  delivery.set_speed(speed);
  return delivery;
}

TEST_CASE("the shipping fee comes from the table by speed, then region", "[delivery]") {
  auto terms =
      ParseDeliveryTerms("STANDARD=490, EXPRESS=990, EXPRESS@islands=1990", "STANDARD=3,EXPRESS=1");
  REQUIRE(terms.ok());
  CHECK(terms->ShippingCents(v1::Delivery::STANDARD, "north", false) == 490);
  CHECK(terms->ShippingCents(v1::Delivery::EXPRESS, "north", false) == 990);
  CHECK(terms->ShippingCents(v1::Delivery::EXPRESS, "islands", false) == 1990);
  CHECK(terms->ShippingCents(v1::Delivery::STANDARD, "islands", false) == 490);
  // A tier with free express ships free at either speed.
  CHECK(terms->ShippingCents(v1::Delivery::EXPRESS, "islands", true) == 0);
  CHECK(terms->ShippingCents(v1::Delivery::STANDARD, "north", true) == 0);
}

TEST_CASE("a parcel is promised its speed's days after it is ready, or by the window's end",
          "[delivery]") {
  auto terms = ParseDeliveryTerms(kDefaultShippingRates, kDefaultDeliveryDays);
  REQUIRE(terms.ok());
  CHECK(terms->PromisedBy(kReady, Speed(v1::Delivery::STANDARD)) == kReady + absl::Hours(72));
  CHECK(terms->PromisedBy(kReady, Speed(v1::Delivery::EXPRESS)) == kReady + absl::Hours(24));
  v1::Delivery windowed = Speed(v1::Delivery::EXPRESS);
  *windowed.mutable_window()->mutable_from() = platform::ToTimestamp(kReady + absl::Hours(96));
  *windowed.mutable_window()->mutable_to() = platform::ToTimestamp(kReady + absl::Hours(100));
  CHECK(terms->PromisedBy(kReady, windowed) == kReady + absl::Hours(100));
  // A parcel ready after the window can only be promised when it can arrive.
  CHECK(terms->PromisedBy(kReady + absl::Hours(200), windowed) == kReady + absl::Hours(224));
}

TEST_CASE("a shipping table or delivery days that cannot be read are refused", "[delivery]") {
  struct Case {
    const char* rates;
    const char* days;
    const char* says;
  };
  for (const Case& c : {
           Case{"STANDARD=490", "STANDARD=3,EXPRESS=1", "no rate for EXPRESS"},
           Case{"STANDARD=490,EXPRESS@x=9", "STANDARD=3,EXPRESS=1", "no rate for EXPRESS"},
           Case{"STANDARD=490,EXPRESS=990", "STANDARD=3", "no days for EXPRESS"},
           Case{"SLOW=1,STANDARD=490,EXPRESS=990", "STANDARD=3,EXPRESS=1", "SLOW=1"},
           Case{"STANDARD=-1,EXPRESS=990", "STANDARD=3,EXPRESS=1", "whole number"},
           Case{"STANDARD=4x,EXPRESS=990", "STANDARD=3,EXPRESS=1", "whole number"},
           Case{"STANDARD=490,EXPRESS@=990", "STANDARD=3,EXPRESS=1", "names no region"},
           Case{"STANDARD=490,EXPRESS=990", "STANDARD=3,EXPRESS@north=1", "not region"},
           Case{"STANDARD=490,EXPRESS=990", "STANDARD=61,EXPRESS=1", "0 to 60"},
       }) {
    INFO(c.rates << " / " << c.days);
    auto terms = ParseDeliveryTerms(c.rates, c.days);
    REQUIRE_FALSE(terms.ok());
    CHECK(terms.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(terms.status().message()), Catch::Contains(c.says));
  }
}

}  // namespace
}  // namespace crm::orders
