// What the orders service consumes: tracking events from trusted integration adapters on
// crm.tracking.inbound.v1 (InboundTrackingEvent), applied by the same code as the signed REST
// route (api/tracking_events.h). An event the shop cannot take (REJECTED: unknown shipment,
// another carrier's, an impossible step, a reused eventId, a bad field) fails with its reason and
// so ends in the consumer's dead letters; DUPLICATE and STALE are applied as on the route.
//
//   ConsumeTrackingEvents(rt, tracking);   // in Server::Build, before rt.Serve
#pragma once

#include "absl/status/status.h"
#include "crm/events/v1/envelope.pb.h"
#include "orders/api/tracking_events.h"
#include "platform/runtime/runtime.h"

namespace crm::orders {

// Applies one InboundTrackingEvent envelope in `txn`. Errors: INVALID_ARGUMENT for an envelope
// that holds no such event or an event REJECTED (its reason and message); those of the store.
absl::Status ApplyInboundTracking(TrackingEvents& tracking, platform::Txn& txn,
                                  const events::v1::EventEnvelope& envelope);

void ConsumeTrackingEvents(platform::Runtime& runtime, TrackingEvents& tracking);

}  // namespace crm::orders
