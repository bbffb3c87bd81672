// Applying a carrier's tracking events: one code path for the signed REST route (PartnerService)
// and the Kafka topic crm.tracking.inbound.v1. In the caller's transaction, each event is checked
// (domain/tracking.h CheckEvent), skipped when its (carrier, eventId) was seen (DUPLICATE, or
// REJECTED EVENT_ID_REUSED when the content differs), matched to its shipment by tracking number
// or shipment id (the carrier's own only), and applied in `occurredAt` order (ApplyEvent); each
// shipment changed is then saved once through ShipmentChanges (lateness, events, the order).
// Thread-safe.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/orders/v1/partners.pb.h"
#include "orders/api/shipment_changes.h"
#include "orders/store/order_store.h"
#include "platform/base/clock.h"

namespace crm::orders {

class TrackingEvents {
 public:
  TrackingEvents(OrderStore& orders, ShipmentChanges& changes, const platform::Clock& clock)
      : orders_(orders), changes_(changes), clock_(clock) {}

  // One result per event, in the order given. Errors: those of the store (ABORTED: retry).
  absl::StatusOr<std::vector<v1::TrackingResult>> Apply(
      platform::Txn& txn, absl::string_view carrier_id,
      const google::protobuf::RepeatedPtrField<v1::TrackingEvent>& events,
      const std::string& request_id);

 private:
  OrderStore& orders_;
  ShipmentChanges& changes_;
  const platform::Clock& clock_;
};

}  // namespace crm::orders
