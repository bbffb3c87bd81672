// What cancelling an order changes, free of I/O: every shipment still in its warehouse (PENDING,
// ON_HOLD, READY) is cancelled, the rest go on. The order's lines count the cancelled units; a
// prepaid order owes back the cancelled value (and the shipping fee when nothing is left to ship:
// REFUND_DUE); a cash-on-delivery order's shipping fee moves to a parcel still to be delivered
// when the one carrying it is cancelled. The order's status and what is due follow from the
// shipments afterwards (ShipmentChanges::RollUp).
//
//   CancelPlan plan = PlanCancel(order, shipments);
//   for (size_t i : plan.cancel) ...   // return plan.shipments[i]'s units to stock
#pragma once

#include <cstddef>
#include <vector>

#include "orders/store/records.pb.h"

namespace crm::orders {

struct CancelPlan {
  // The order and its shipments as they are after the cancellation (same order as given).
  store::v1::OrderRecord order;
  std::vector<store::v1::ShipmentRecord> shipments;
  // The indexes of the shipments cancelled now; empty when nothing could be.
  std::vector<size_t> cancel;
};

CancelPlan PlanCancel(const store::v1::OrderRecord& order,
                      const std::vector<store::v1::ShipmentRecord>& shipments);

}  // namespace crm::orders
