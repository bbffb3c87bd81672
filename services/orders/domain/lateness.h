// Why a shipment is late, free of I/O: a shipment delivered after its `promisedBy`, or still on
// its way past it, is late, and the first cause that applies of these answers for it:
//
//   STOCK      a hold (backorder, pre-sale) ended after the date it was expected, or still holds
//              past it                                           (responsible: the warehouse)
//   WAREHOUSE  handed to the carrier more than kHandoverAllowance after it could leave, or still
//              in the warehouse (that long after, or past the promise)
//                                                             (responsible: the warehouse)
//   CUSTOMER   the carrier reported a failed attempt or a refusal (DELIVERY_FAILED)
//                                                             (responsible: the customer)
//   CARRIER    otherwise: the carrier took longer           (responsible: the carrier)
//
//   std::optional<v1::Delay> delay = LatenessAt(record, now);   // nullopt: on time
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "crm/orders/v1/shipments.pb.h"
#include "orders/store/records.pb.h"

namespace crm::orders {

// How long after it can leave a warehouse may take to hand a parcel to its carrier.
inline constexpr absl::Duration kHandoverAllowance = absl::Hours(24);

// The shipment's delay when it is late at `at` (its delivery time, or now while on its way);
// nullopt while on time, for a shipment cancelled or returned, and for one delivered on time.
std::optional<v1::Delay> LatenessAt(const store::v1::ShipmentRecord& record, absl::Time at);

}  // namespace crm::orders
