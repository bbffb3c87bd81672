// Placing an order in a transaction: for POST /v1/orders (OrderService, after the customer's
// checkout benefits were asked) and for a replacement of returned items (ExchangeOrdered, charged
// nothing). Prices from the price list, every warehouse's stock of the lines locked in key order,
// the planner's shipments, units reserved or queued as backorders, the order, its shipments and
// the customer's list entry stored, the pre-sale and late-check timers set, OrderPlaced,
// ShipmentPlanned and the customer's confirmation in the outbox. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/orders/v1/orders.pb.h"
#include "orders/api/hold_releases.h"
#include "orders/api/shipment_changes.h"
#include "orders/domain/delivery_terms.h"
#include "orders/domain/order.h"
#include "orders/store/order_store.h"
#include "orders/store/product_store.h"
#include "orders/store/stock_store.h"
#include "orders/store/warehouse_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"

namespace crm::orders {

struct PlacementDeps {
  OrderStore& orders;
  StockStore& stock;
  const ProductStore& products;
  const WarehouseStore& warehouses;
  HoldReleases& releases;
  ShipmentChanges& changes;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  DeliveryTerms terms;
};

class Placement {
 public:
  explicit Placement(PlacementDeps deps) : deps_(std::move(deps)) {}

  // The order as placed, with its shipments. With `replaces_return_id`, a replacement for that
  // return: every amount 0, prepaid, linked to it. Errors: INVALID_ARGUMENT (a sku not in the
  // price list, naming lines[i].sku); FAILED_PRECONDITION (SKU_UNAVAILABLE); those of the store
  // (ABORTED: retry).
  absl::StatusOr<v1::Order> Place(platform::Txn& txn, const v1::PlaceOrderRequest& request,
                                  const CheckoutBenefits& benefits, const std::string& request_id,
                                  absl::string_view replaces_return_id = "");

 private:
  // The stock of the order's lines, locked, as the planner sees it; the locked levels by
  // (sku, warehouse id) in `locked`.
  absl::StatusOr<std::vector<WarehouseStock>> LockStock(
      platform::Txn& txn, const v1::Order& order,
      std::map<std::pair<std::string, std::string>, StoredStock>& locked);

  PlacementDeps deps_;
};

}  // namespace crm::orders
