#include "orders/domain/tracking.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "orders/domain/shipment_status.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

namespace {

TrackingVerdict Invalid(absl::string_view field, absl::string_view problem) {
  return {.outcome = v1::TrackingResult::REJECTED,
          .reason = std::string(kTrackingInvalid),
          .message = absl::StrCat(field, " ", problem)};
}

bool IsReasonCode(absl::string_view code) {
  if (code.empty() || code.size() > 50) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '_';
  });
}

}  // namespace

std::optional<TrackingVerdict> CheckEvent(const v1::TrackingEvent& event, absl::Time now) {
  if (!platform::IsValidSku(event.event_id())) {
    return Invalid("eventId", "must be 1 to 64 letters, digits, '-', '_' or '.'");
  }
  bool by_number = !event.tracking_number().empty();
  bool by_id = !event.shipment_id().empty();
  if (by_number == by_id) {
    return Invalid("trackingNumber", "or shipmentId is required, not both");
  }
  if (by_number && !platform::IsValidSku(event.tracking_number())) {
    return Invalid("trackingNumber", "must be 1 to 64 letters, digits, '-', '_' or '.'");
  }
  if (by_id && !platform::IsValidSku(event.shipment_id())) {
    return Invalid("shipmentId", "is not a shipment id");
  }
  if (!IsCarrierStatus(event.status())) {
    return Invalid("status", "must be a carrier's status (IN_TRANSIT, DELIVERED, ...)");
  }
  if (!event.has_occurred_at() || !platform::IsValidTimestamp(event.occurred_at())) {
    return Invalid("occurredAt", "is required: a valid time");
  }
  if (platform::FromTimestamp(event.occurred_at()) > now + kMaxFutureSkew) {
    return Invalid("occurredAt", "is in the future");
  }
  std::vector<platform::FieldViolation> text;
  platform::CheckText("location", event.location(), {.max_chars = 200}, text);
  if (!text.empty()) return Invalid("location", text[0].description);
  if (!event.reason_code().empty() && !IsReasonCode(event.reason_code())) {
    return Invalid("reasonCode", "must be 1 to 50 capitals, digits or '_'");
  }
  if (event.cod_collected_cents() < 0) return Invalid("codCollectedCents", "must be >= 0");
  if (event.cod_collected_cents() > 0 && event.status() != v1::Shipment::DELIVERED) {
    return Invalid("codCollectedCents", "comes only with DELIVERED");
  }
  return std::nullopt;
}

TrackingVerdict ApplyEvent(store::v1::ShipmentRecord& record, const v1::TrackingEvent& event,
                           absl::Time now) {
  v1::Shipment& shipment = *record.mutable_shipment();
  absl::Time occurred = platform::FromTimestamp(event.occurred_at());
  bool stale =
      record.has_last_event_at() && occurred < platform::FromTimestamp(record.last_event_at());
  TrackingVerdict verdict{.from = shipment.status()};
  if (stale) {
    verdict.outcome = v1::TrackingResult::STALE;
  } else if (event.status() != shipment.status() &&
             !IsAllowedStep(shipment.status(), event.status())) {
    return {.outcome = v1::TrackingResult::REJECTED,
            .reason = std::string(kTrackingImpossibleStep),
            .message = absl::StrCat(v1::Shipment::Status_Name(shipment.status()), " cannot become ",
                                    v1::Shipment::Status_Name(event.status()))};
  } else if (shipment.status() == v1::Shipment::DELIVERED) {
    // DELIVERED again: nothing moves (a delivered shipment never changes).
    return {.outcome = v1::TrackingResult::REJECTED,
            .reason = std::string(kTrackingImpossibleStep),
            .message = "the shipment is already delivered"};
  } else {
    shipment.set_status(event.status());
    *record.mutable_last_event_at() = event.occurred_at();
    if (event.status() == v1::Shipment::DELIVERED) {
      *shipment.mutable_delivered_at() = event.occurred_at();
      shipment.set_cod_collected_cents(event.cod_collected_cents());
    }
    if (event.status() == v1::Shipment::DELIVERY_FAILED && !record.failed_attempt()) {
      record.set_failed_attempt(true);
      record.set_failed_attempt_reason_code(event.reason_code());
    }
    if (!event.reason_code().empty()) record.set_last_reason_code(event.reason_code());
  }
  verdict.kept = event;
  *verdict.kept.mutable_received_at() = platform::ToTimestamp(now);
  verdict.kept.set_stale(stale);
  *shipment.mutable_updated_at() = platform::ToTimestamp(now);
  return verdict;
}

std::string EventFingerprint(const v1::TrackingEvent& event) {
  // Each field length-prefixed, so no two contents share a fingerprint; stable across builds.
  std::string out;
  for (absl::string_view field :
       {absl::string_view(event.tracking_number()), absl::string_view(event.shipment_id()),
        absl::string_view(v1::Shipment::Status_Name(event.status())),
        absl::string_view(event.location()), absl::string_view(event.reason_code())}) {
    absl::StrAppend(&out, field.size(), ":", field, ";");
  }
  absl::StrAppend(&out, event.occurred_at().seconds(), ".", event.occurred_at().nanos(), ";",
                  event.cod_collected_cents());
  return out;
}

}  // namespace crm::orders
