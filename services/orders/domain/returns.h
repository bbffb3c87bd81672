// Returns as the orders service sees them, free of I/O: what of an order may still be returned
// (API.md: any delivered item within 15 days, unless it is final sale), the units on their way
// back and received, and what erasing a customer leaves on their orders.
//
//   v1::ReturnableLines lines = ReturnableLinesOf(order, now);
//   absl::Status s = AddReturning(items, &order);   // an approved return
//   absl::Status s = AddReturned(items, &order);    // the items arrived back
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/events/v1/aftersales.pb.h"
#include "crm/orders/v1/orders.pb.h"

namespace crm::orders {

inline constexpr absl::Duration kReturnWindow = absl::Hours(24 * 15);

using ReturnedItems = google::protobuf::RepeatedPtrField<events::v1::ReturnedItem>;

// Per line: delivered units and when, returnable (the product's flag, units delivered, the last
// of them at most kReturnWindow before `now`), until when, and what is already being returned.
v1::ReturnableLines ReturnableLinesOf(const v1::Order& order, absl::Time now);

// Counts `items` as on their way back. Errors: INVALID_ARGUMENT for a sku not in the order or
// more units than were delivered and are not already being returned (nothing is changed).
absl::Status AddReturning(const ReturnedItems& items, v1::Order* order);

// Counts `items` as received back. Errors: INVALID_ARGUMENT for a sku not in the order or more
// units than were delivered (nothing is changed).
absl::Status AddReturned(const ReturnedItems& items, v1::Order* order);

// OK when `items` can replace returned items of `order`: each sku a line of the order, named
// once, 1 unit or more, at most what was approved for return on that line. Errors:
// INVALID_ARGUMENT saying which.
absl::Status CheckReplacement(const ReturnedItems& items, const v1::Order& order);

// Drops the personal data an order holds (recipient, phone, street lines, city, postal code)
// and keeps the anonymous facts (region, country, lines, amounts, times).
void ErasePersonalData(v1::Order* order);

}  // namespace crm::orders
