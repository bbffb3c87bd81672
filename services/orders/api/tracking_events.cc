#include "orders/api/tracking_events.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>

#include "orders/domain/tracking.h"
#include "platform/base/proto_time.h"

namespace crm::orders {

namespace {

v1::TrackingResult Result(const v1::TrackingEvent& event, v1::TrackingResult::Outcome outcome,
                          absl::string_view reason = "", absl::string_view message = "") {
  v1::TrackingResult result;
  result.set_event_id(event.event_id());
  result.set_result(outcome);
  result.set_reason(std::string(reason));
  result.set_message(std::string(message));
  return result;
}

// A shipment as this batch found it and as it leaves it.
struct Touched {
  StoredShipment before;
  store::v1::ShipmentRecord after;
};

}  // namespace

absl::StatusOr<std::vector<v1::TrackingResult>> TrackingEvents::Apply(
    platform::Txn& txn, absl::string_view carrier_id,
    const google::protobuf::RepeatedPtrField<v1::TrackingEvent>& events,
    const std::string& request_id) {
  absl::Time now = clock_.Now();
  std::vector<v1::TrackingResult> results(events.size());
  // In the order they happened; the ones without a valid time are refused first anyway.
  std::vector<int> order(events.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& ta = events[a].occurred_at();
    const auto& tb = events[b].occurred_at();
    return std::make_pair(ta.seconds(), ta.nanos()) < std::make_pair(tb.seconds(), tb.nanos());
  });
  std::map<std::string, std::string> seen_here;  // eventId -> fingerprint, in this batch
  std::map<std::string, Touched> touched;        // by shipment id
  for (int i : order) {
    const v1::TrackingEvent& event = events[i];
    if (std::optional<TrackingVerdict> refused = CheckEvent(event, now)) {
      results[i] = Result(event, refused->outcome, refused->reason, refused->message);
      continue;
    }
    std::string fingerprint = EventFingerprint(event);
    std::string seen;
    if (auto it = seen_here.find(event.event_id()); it != seen_here.end()) {
      seen = it->second;
    } else {
      auto stored = orders_.SeenEvent(txn, carrier_id, event.event_id());
      if (!stored.ok()) return stored.status();
      seen = *stored;
    }
    if (!seen.empty()) {
      results[i] = seen == fingerprint
                       ? Result(event, v1::TrackingResult::DUPLICATE)
                       : Result(event, v1::TrackingResult::REJECTED, kTrackingEventIdReused,
                                "this eventId came before with other content");
      continue;
    }
    // The shipment: by tracking number (this carrier's) or id.
    std::string shipment_id = event.shipment_id();
    if (shipment_id.empty()) {
      auto found = orders_.ShipmentIdByTrackingNumber(carrier_id, event.tracking_number());
      if (found.ok()) shipment_id = *found;
      if (!found.ok() && !absl::IsNotFound(found.status())) return found.status();
    }
    auto it = touched.find(shipment_id);
    if (it == touched.end()) {
      auto loaded = orders_.LockShipment(txn, shipment_id);
      if (!loaded.ok() && !absl::IsNotFound(loaded.status())) return loaded.status();
      if (loaded.ok()) {
        store::v1::ShipmentRecord after = loaded->record;
        it = touched.emplace(shipment_id, Touched{*std::move(loaded), std::move(after)}).first;
      }
    }
    if (it == touched.end()) {
      results[i] = Result(event, v1::TrackingResult::REJECTED, kTrackingUnknownShipment,
                          "no shipment with this tracking number or id");
      continue;
    }
    if (it->second.after.shipment().carrier_id() != carrier_id) {
      results[i] = Result(event, v1::TrackingResult::REJECTED, kTrackingOtherCarrier,
                          "the shipment is not assigned to this carrier");
      continue;
    }
    TrackingVerdict verdict = ApplyEvent(it->second.after, event, now);
    results[i] = Result(event, verdict.outcome, verdict.reason, verdict.message);
    if (verdict.outcome == v1::TrackingResult::REJECTED) continue;
    if (absl::Status s = orders_.AddTimelineEvent(txn, shipment_id, verdict.kept); !s.ok()) {
      return s;
    }
    if (absl::Status s = orders_.MarkEventSeen(txn, carrier_id, event.event_id(), fingerprint);
        !s.ok()) {
      return s;
    }
    seen_here[event.event_id()] = fingerprint;
  }
  for (auto& [id, shipment] : touched) {
    if (shipment.after.SerializeAsString() == shipment.before.record.SerializeAsString()) continue;
    if (absl::Status s = changes_.Save(txn, shipment.before, shipment.after, request_id); !s.ok()) {
      return s;
    }
  }
  return results;
}

}  // namespace crm::orders
