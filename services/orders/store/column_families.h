// The orders service's column families (the platform adds its own):
//
//   products     sku -> versioned Product                       (ProductStore, an EntityTable)
//   warehouses   warehouse id -> versioned Warehouse            (WarehouseStore, an EntityTable)
//   stock        <sku>/<warehouse id> -> versioned Stock        (OwnedRecords: one sku's stock
//                                                                is one prefix scan)
//   orders, shipments, customer_orders, tracking_numbers,        (OrderStore: order_store.h)
//   carrier_shipments, tracking_events, cod_mismatches, shipments_by_status,
//   shipments_by_warehouse, late_shipments, pickups_by_return, exchanges
//   carriers     carrier id -> versioned CarrierRecord           (CarrierStore: carrier_store.h)
//   backorders   <sku>/<warehouse id>/<placed time><shipment id> -> the part waiting there
//                                                                (released first come, first
//                                                                served when stock arrives)
#pragma once

#include <string>
#include <vector>

namespace crm::orders {

inline constexpr char kProductsCf[] = "products";
inline constexpr char kWarehousesCf[] = "warehouses";
inline constexpr char kStockCf[] = "stock";
inline constexpr char kOrdersCf[] = "orders";
inline constexpr char kShipmentsCf[] = "shipments";
inline constexpr char kCustomerOrdersCf[] = "customer_orders";
inline constexpr char kBackordersCf[] = "backorders";
inline constexpr char kTrackingNumbersCf[] = "tracking_numbers";
inline constexpr char kCarrierShipmentsCf[] = "carrier_shipments";
inline constexpr char kTrackingEventsCf[] = "tracking_events";
inline constexpr char kCodMismatchesCf[] = "cod_mismatches";
inline constexpr char kCarriersCf[] = "carriers";
inline constexpr char kShipmentsByStatusCf[] = "shipments_by_status";
inline constexpr char kShipmentsByWarehouseCf[] = "shipments_by_warehouse";
inline constexpr char kLateShipmentsCf[] = "late_shipments";
inline constexpr char kPickupsByReturnCf[] = "pickups_by_return";
inline constexpr char kExchangesCf[] = "exchanges";

inline const std::vector<std::string> kColumnFamilies = {
    kProductsCf,          kWarehousesCf,           kStockCf,         kOrdersCf,
    kShipmentsCf,         kCustomerOrdersCf,       kBackordersCf,    kTrackingNumbersCf,
    kCarrierShipmentsCf,  kTrackingEventsCf,       kCodMismatchesCf, kCarriersCf,
    kShipmentsByStatusCf, kShipmentsByWarehouseCf, kLateShipmentsCf, kPickupsByReturnCf,
    kExchangesCf};

}  // namespace crm::orders
