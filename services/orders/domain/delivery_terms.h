// What delivery costs and how long it takes, by speed and region: the shipping table the shop
// configures (--shipping-rates, --delivery-days), and the rules that read it. Free of I/O.
//
//   auto terms = ParseDeliveryTerms("STANDARD=490,EXPRESS=990,EXPRESS@islands=1990",
//                                   "STANDARD=3,EXPRESS=1");
//   int64_t cents = terms->ShippingCents(v1::Delivery::EXPRESS, "islands", free_express);
//   absl::Time by = terms->PromisedBy(ready_at, delivery);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/orders/v1/orders.pb.h"

namespace crm::orders {

inline constexpr absl::string_view kDefaultShippingRates = "STANDARD=490,EXPRESS=990";
inline constexpr absl::string_view kDefaultDeliveryDays = "STANDARD=3,EXPRESS=1";

class DeliveryTerms {
 public:
  // The shipping fee of an order, once per order however many parcels it becomes: the rate of
  // (speed, region), else the speed's rate for every region. 0 when the customer's tier grants
  // free express (which makes standard free too: it is never dearer than express).
  int64_t ShippingCents(v1::Delivery::Speed speed, absl::string_view region,
                        bool free_express) const;

  // When a parcel ready at `ready_at` is promised: the speed's delivery days later (calendar
  // days), or the end of the order's delivery window when that is later (it is not delivered
  // before the customer wants it).
  absl::Time PromisedBy(absl::Time ready_at, const v1::Delivery& delivery) const;

 private:
  friend absl::StatusOr<DeliveryTerms> ParseDeliveryTerms(absl::string_view rates,
                                                          absl::string_view days);
  // (speed, region) -> minor units; region "" is every region's.
  std::map<std::pair<v1::Delivery::Speed, std::string>, int64_t> rates_;
  std::map<v1::Delivery::Speed, int> days_;
};

// `rates`: comma-separated SPEED=cents or SPEED@region=cents, a rate for every speed without a
// region required; `days`: SPEED=days (0 to 60) for every speed. Errors: INVALID_ARGUMENT saying
// what is wrong.
absl::StatusOr<DeliveryTerms> ParseDeliveryTerms(absl::string_view rates, absl::string_view days);

}  // namespace crm::orders
