// The rules of placing an order, free of I/O: what a request must hold, how its lines are priced
// from the price list, and how the planner's shipments become the stored ones.
//
//   std::vector<platform::FieldViolation> violations;
//   CheckPlaceOrder(request, "EUR", now, violations);     // names "lines[0].quantity", ...
//   auto order = PriceOrder(request, products, {.tier = "GOLD", .free_express = true}, terms, now);
//   PlanInput input = PlanInputOf(*order, products, warehouses, now);
//   auto shipments = ShipmentsOf(*order, *PlanShipments(input), terms, now, new_id);
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/orders/v1/orders.pb.h"
#include "crm/orders/v1/products.pb.h"
#include "orders/domain/delivery_terms.h"
#include "orders/domain/planner.h"
#include "orders/store/records.pb.h"
#include "platform/base/errors.h"

namespace crm::orders {

inline constexpr int kMaxOrderLines = 50;
inline constexpr int kMaxLineQuantity = 1000;
inline constexpr absl::Duration kMaxDeliveryWindow = absl::Hours(24 * 31);

// What the customers service recognised at checkout.
struct CheckoutBenefits {
  // REGULAR, SILVER, GOLD or PLATINUM.
  std::string tier = "REGULAR";
  bool free_express = false;
};

// Adds a violation for each field of `request` that no store is needed to refuse: the customer
// id (a key), 1 to kMaxOrderLines lines with a valid sku each named once and a quantity of 1 to
// kMaxLineQuantity, the shop's currency, a deliverable address, a payment method, a speed, a
// window (from before to, `to` ahead of `now`, at most kMaxDeliveryWindow long) and a split
// policy.
void CheckPlaceOrder(const v1::PlaceOrderRequest& request, absl::string_view shop_currency,
                     absl::Time now, std::vector<platform::FieldViolation>& violations);

// The order as placed, before its shipments: each line priced from `products` (by sku), totals,
// the shipping fee, what is due and the payment status, the benefits recognised. Errors:
// INVALID_ARGUMENT (FIELD_INVALID naming lines[i].sku) for a sku not in `products`.
absl::StatusOr<v1::Order> PriceOrder(const v1::PlaceOrderRequest& request,
                                     const std::map<std::string, v1::Product>& products,
                                     const CheckoutBenefits& benefits, const DeliveryTerms& terms,
                                     absl::Time now);

// Makes `order` a replacement for the items of return `return_id`: every price, the shipping fee
// and what is due 0, prepaid (PAID), linked to the return.
void ChargeNothing(absl::string_view return_id, v1::Order* order);

// The planner's input for `order`: its lines with their products' releases, the warehouses'
// stock of them (`stock` by warehouse id, then sku), the shipping region and split policy.
PlanInput PlanInputOf(const v1::Order& order, const std::map<std::string, v1::Product>& products,
                      std::vector<WarehouseStock> warehouses, absl::Time now);

// The stored shipments of `plan`, each with an id from `new_id`, its lines, holds, status
// (ON_HOLD while a part waits; PENDING when it is ready but leaves with the order's other
// parcels; else READY), ready and promised times and amounts. A cash-on-delivery order's
// shipping fee is collected with its first shipment.
std::vector<store::v1::ShipmentRecord> ShipmentsOf(const v1::Order& order,
                                                   const std::vector<PlannedShipment>& plan,
                                                   const DeliveryTerms& terms, absl::Time now,
                                                   const std::function<std::string()>& new_id);

}  // namespace crm::orders
