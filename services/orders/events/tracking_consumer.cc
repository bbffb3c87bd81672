#include "orders/events/tracking_consumer.h"

#include "absl/strings/str_cat.h"
#include "crm/events/v1/tracking.pb.h"
#include "platform/base/text.h"

namespace crm::orders {

absl::Status ApplyInboundTracking(TrackingEvents& tracking, platform::Txn& txn,
                                  const events::v1::EventEnvelope& envelope) {
  events::v1::InboundTrackingEvent inbound;
  if (!envelope.payload().UnpackTo(&inbound)) {
    return absl::InvalidArgumentError("not an InboundTrackingEvent");
  }
  if (!platform::IsValidSku(inbound.carrier_id())) {
    return absl::InvalidArgumentError("carrierId: must be 1 to 64 letters, digits, '-', '_', '.'");
  }
  google::protobuf::RepeatedPtrField<v1::TrackingEvent> one;
  *one.Add() = inbound.event();
  auto results = tracking.Apply(txn, inbound.carrier_id(), one, envelope.request_id());
  if (!results.ok()) return results.status();
  const v1::TrackingResult& result = results->front();
  if (result.result() == v1::TrackingResult::REJECTED) {
    return absl::InvalidArgumentError(absl::StrCat(result.reason(), ": ", result.message()));
  }
  return absl::OkStatus();
}

void ConsumeTrackingEvents(platform::Runtime& runtime, TrackingEvents& tracking) {
  runtime.Consume({events::v1::InboundTrackingEvent::descriptor()},
                  [&tracking](platform::Txn& txn, const events::v1::EventEnvelope& envelope) {
                    return ApplyInboundTracking(tracking, txn, envelope);
                  });
}

}  // namespace crm::orders
