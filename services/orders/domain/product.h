// The rules of the price list, free of I/O.
//
//   std::vector<platform::FieldViolation> violations;
//   CheckProduct(request.product(), "EUR", violations);   // names "product.priceCents", ...
#pragma once

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "crm/orders/v1/products.pb.h"
#include "platform/base/errors.h"

namespace crm::orders {

inline constexpr int64_t kMaxPriceCents = 100'000'000'000;  // a billion in major units
inline constexpr int kMaxWarrantyMonths = 120;
inline constexpr int kMaxProductNameChars = 200;

// Adds a violation, under "product.<field>", for each field of `product` that the price list
// cannot hold: the name (required, free text), the price (0 to kMaxPriceCents), the currency
// (the shop's one, `shop_currency`), the warranty (0 to 120 months) and the release time (a
// valid time). The sku comes from the path (platform::IsValidSku).
void CheckProduct(const v1::Product& product, absl::string_view shop_currency,
                  std::vector<platform::FieldViolation>& violations);

// Adds a violation under `field` unless `currency` is the shop's one (prices and orders are in
// it; nothing converts).
void CheckCurrency(absl::string_view field, absl::string_view currency,
                   absl::string_view shop_currency,
                   std::vector<platform::FieldViolation>& violations);

}  // namespace crm::orders
