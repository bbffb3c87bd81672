// The orders service's column families (the platform adds its own), by the store that keeps
// them; each store's header says what its keys are:
//
//   products                                           ProductStore (product_store.h)
//   warehouses                                         WarehouseStore (warehouse_store.h)
//   stock, stock_locations, backorders                 StockStore (stock_store.h)
//   orders, exchanges, customer_orders, shipments,     OrderStore (order_store.h)
//   tracking_numbers, carrier_shipments, shipments_by_status, shipments_by_warehouse,
//   late_shipments, pickups_by_return, timelines, tracking_events, cod_mismatches
//   carriers                                           CarrierStore (carrier_store.h)
#pragma once

#include <string>
#include <vector>

namespace crm::orders {

inline constexpr char kProductsCf[] = "products";
inline constexpr char kWarehousesCf[] = "warehouses";
inline constexpr char kStockCf[] = "stock";
inline constexpr char kStockLocationsCf[] = "stock_locations";
inline constexpr char kBackordersCf[] = "backorders";
inline constexpr char kOrdersCf[] = "orders";
inline constexpr char kExchangesCf[] = "exchanges";
inline constexpr char kCustomerOrdersCf[] = "customer_orders";
inline constexpr char kShipmentsCf[] = "shipments";
inline constexpr char kTrackingNumbersCf[] = "tracking_numbers";
inline constexpr char kCarrierShipmentsCf[] = "carrier_shipments";
inline constexpr char kShipmentsByStatusCf[] = "shipments_by_status";
inline constexpr char kShipmentsByWarehouseCf[] = "shipments_by_warehouse";
inline constexpr char kLateShipmentsCf[] = "late_shipments";
inline constexpr char kPickupsByReturnCf[] = "pickups_by_return";
inline constexpr char kTimelinesCf[] = "timelines";
inline constexpr char kTrackingEventsCf[] = "tracking_events";
inline constexpr char kCodMismatchesCf[] = "cod_mismatches";
inline constexpr char kCarriersCf[] = "carriers";

// clang-format off
inline const std::vector<std::string> kColumnFamilies = {
    kProductsCf, kWarehousesCf, kStockCf, kStockLocationsCf, kBackordersCf, kOrdersCf,
    kExchangesCf, kCustomerOrdersCf, kShipmentsCf, kTrackingNumbersCf, kCarrierShipmentsCf,
    kShipmentsByStatusCf, kShipmentsByWarehouseCf, kLateShipmentsCf, kPickupsByReturnCf,
    kTimelinesCf, kTrackingEventsCf, kCodMismatchesCf, kCarriersCf};
// clang-format on

}  // namespace crm::orders
