// A carrier's tracking events, free of I/O: what makes one acceptable, and what it does to its
// shipment (docs/architecture.md, "Tracking events"). The service finds the shipment, skips
// repeats (same carrier and eventId) and applies the rest in `occurredAt` order.
//
//   if (auto refused = CheckEvent(event, now)) return *refused;   // REJECTED INVALID_EVENT
//   TrackingVerdict v = ApplyEvent(record, event, now);            // ACCEPTED, STALE, REJECTED
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/orders/v1/partners.pb.h"
#include "crm/orders/v1/shipments.pb.h"
#include "orders/store/records.pb.h"

namespace crm::orders {

inline constexpr int kMaxTrackingBatch = 500;
// How far ahead of the shop's clock an event's time may be (clock skew).
inline constexpr absl::Duration kMaxFutureSkew = absl::Minutes(5);

// Reasons of REJECTED.
inline constexpr absl::string_view kTrackingInvalid = "INVALID_EVENT";
inline constexpr absl::string_view kTrackingUnknownShipment = "UNKNOWN_SHIPMENT";
inline constexpr absl::string_view kTrackingOtherCarrier = "OTHER_CARRIER";
inline constexpr absl::string_view kTrackingImpossibleStep = "IMPOSSIBLE_STEP";
inline constexpr absl::string_view kTrackingEventIdReused = "EVENT_ID_REUSED";

struct TrackingVerdict {
  v1::TrackingResult::Outcome outcome = v1::TrackingResult::ACCEPTED;
  std::string reason;
  std::string message;
  // With ACCEPTED: the shipment's status before (it may be the same: a repeated step).
  v1::Shipment::Status from = v1::Shipment::STATUS_UNSPECIFIED;
  // With ACCEPTED or STALE: the event as the timeline keeps it (received time, stale mark).
  v1::TrackingEvent kept;
};

// REJECTED (INVALID_EVENT, naming the field) for an event the shop cannot take: an eventId that
// is not 1 to 64 letters, digits, '-', '_', '.'; neither or both of trackingNumber and
// shipmentId; a status carriers do not report; no time, or one more than kMaxFutureSkew ahead of
// `now`; a location over 200 characters; a reasonCode not 1 to 50 capitals, digits or '_'; a
// negative cash amount, or one without DELIVERED. nullopt when it may be applied.
std::optional<TrackingVerdict> CheckEvent(const v1::TrackingEvent& event, absl::Time now);

// Applies a checked event of the shipment's own carrier (received at `now`): older than the
// newest applied is STALE (for the timeline, marked, status unchanged); a step the status table
// does not allow is REJECTED (IMPOSSIBLE_STEP: a delivered shipment never moves back); else
// ACCEPTED: the status moves, DELIVERED sets `deliveredAt` and the cash collected, and a failed
// attempt or a reason code is remembered for lateness. The caller stores `kept` in the timeline.
TrackingVerdict ApplyEvent(store::v1::ShipmentRecord& record, const v1::TrackingEvent& event,
                           absl::Time now);

// The event as its content, to tell a repeat from an eventId reused with other content.
std::string EventFingerprint(const v1::TrackingEvent& event);

}  // namespace crm::orders
