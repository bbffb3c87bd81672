// The orders service's own error reasons (crm.api.v1.ErrorDetails.reason). The platform's shared
// ones (FIELD_INVALID, TOKEN_*, ETAG_MISMATCH, ...) are in platform/base/errors.h.
#pragma once

#include "absl/strings/string_view.h"

namespace crm::orders {

inline constexpr absl::string_view kReasonProductNotFound = "PRODUCT_NOT_FOUND";
inline constexpr absl::string_view kReasonWarehouseNotFound = "WAREHOUSE_NOT_FOUND";
// The customer an order names is not known to the customers service.
inline constexpr absl::string_view kReasonCustomerNotFound = "CUSTOMER_NOT_FOUND";
inline constexpr absl::string_view kReasonOrderNotFound = "ORDER_NOT_FOUND";
inline constexpr absl::string_view kReasonShipmentNotFound = "SHIPMENT_NOT_FOUND";
inline constexpr absl::string_view kReasonCarrierNotFound = "CARRIER_NOT_FOUND";
// The gateway's partner secret lookup for an unknown carrier (crm.api.v1.PartnerSecretService).
inline constexpr absl::string_view kReasonPartnerNotFound = "PARTNER_NOT_FOUND";
inline constexpr absl::string_view kReasonTrackingNumberTaken = "TRACKING_NUMBER_TAKEN";
// :assign of a shipment that is not READY.
inline constexpr absl::string_view kReasonShipmentNotReady = "SHIPMENT_NOT_READY";
// :markRefunded of an order that owes nothing back.
inline constexpr absl::string_view kReasonNoRefundDue = "NO_REFUND_DUE";
// :cancel of an order with nothing left in a warehouse.
inline constexpr absl::string_view kReasonNothingToCancel = "NOTHING_TO_CANCEL";
// A line no warehouse has or expects (FAILED_PRECONDITION, naming lines[i].sku).
inline constexpr absl::string_view kReasonSkuUnavailable = "SKU_UNAVAILABLE";
// The customers service could not say who is buying (UNAVAILABLE: retry).
inline constexpr absl::string_view kReasonCustomersUnavailable = "CUSTOMERS_UNAVAILABLE";

}  // namespace crm::orders
