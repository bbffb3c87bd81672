#include "orders/domain/lateness.h"

#include <algorithm>

#include "platform/base/proto_time.h"

namespace crm::orders {

namespace {

using platform::FromTimestamp;

// When it could leave its warehouse: its planned ready time, or its last hold's end when later;
// nullopt while a hold still holds.
std::optional<absl::Time> CouldLeaveAt(const v1::Shipment& s) {
  absl::Time at = FromTimestamp(s.ready_at());
  for (const v1::Hold& hold : s.holds()) {
    if (!hold.has_released_at()) return std::nullopt;
    at = std::max(at, FromTimestamp(hold.released_at()));
  }
  return at;
}

bool StockWasLate(const v1::Shipment& s, absl::Time at) {
  return std::any_of(s.holds().begin(), s.holds().end(), [&](const v1::Hold& hold) {
    absl::Time ended = hold.has_released_at() ? FromTimestamp(hold.released_at()) : at;
    return ended > FromTimestamp(hold.expected_at());
  });
}

bool WarehouseWasLate(const v1::Shipment& s, absl::Time at) {
  std::optional<absl::Time> could_leave = CouldLeaveAt(s);
  if (!could_leave) return false;
  absl::Time left = s.has_handed_over_at() ? FromTimestamp(s.handed_over_at()) : at;
  return left > *could_leave + kHandoverAllowance;
}

}  // namespace

std::optional<v1::Delay> LatenessAt(const store::v1::ShipmentRecord& record, absl::Time at) {
  const v1::Shipment& s = record.shipment();
  if (s.status() == v1::Shipment::CANCELLED || s.status() == v1::Shipment::RETURNED_TO_SENDER) {
    return std::nullopt;
  }
  if (s.status() == v1::Shipment::DELIVERED) at = FromTimestamp(s.delivered_at());
  if (at <= FromTimestamp(s.promised_by())) return std::nullopt;
  v1::Delay delay;
  *delay.mutable_detected_at() = platform::ToTimestamp(at);
  if (StockWasLate(s, at)) {
    delay.set_cause(v1::Delay::STOCK);
    delay.set_responsible(s.warehouse_id());
  } else if (WarehouseWasLate(s, at) || s.carrier_id().empty()) {
    delay.set_cause(v1::Delay::WAREHOUSE);
    delay.set_responsible(s.warehouse_id());
  } else if (record.failed_attempt()) {
    delay.set_cause(v1::Delay::CUSTOMER);
    delay.set_responsible(s.customer_id());
    delay.set_reason_code(record.failed_attempt_reason_code());
  } else {
    delay.set_cause(v1::Delay::CARRIER);
    delay.set_responsible(s.carrier_id());
    delay.set_reason_code(record.last_reason_code());
  }
  return delay;
}

}  // namespace crm::orders
