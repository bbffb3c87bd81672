// Errors the way every service reports them: an absl::Status whose code tells the client's next
// move, carrying a stable machine-readable reason and, for bad input, the fields at fault.
//
//   return platform::InvalidFields({{"email", "is not a valid address"}});
//   return platform::Error(absl::StatusCode::kNotFound, "CUSTOMER_NOT_FOUND", "no such customer");
//
// The reason and violations ride in the status payload as crm.api.v1.ErrorDetails; ToGrpcStatus
// (grpc_status.h) moves them into the gRPC status details for the gateway.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/api/v1/error.pb.h"

namespace crm::platform {

// Stable reasons shared by every service and the gateway: the platform's, in one place. Each
// service keeps its own in its domain/reasons.h (e.g. customers' EMAIL_TAKEN).
inline constexpr absl::string_view kReasonFieldInvalid = "FIELD_INVALID";
inline constexpr absl::string_view kReasonTokenMissing = "TOKEN_MISSING";
inline constexpr absl::string_view kReasonTokenInvalid = "TOKEN_INVALID";
inline constexpr absl::string_view kReasonTokenExpired = "TOKEN_EXPIRED";
inline constexpr absl::string_view kReasonTokenRevoked = "TOKEN_REVOKED";
inline constexpr absl::string_view kReasonRoleNotAllowed = "ROLE_NOT_ALLOWED";
inline constexpr absl::string_view kReasonPartnerMismatch = "PARTNER_MISMATCH";
// Another customer's record: answered as if it did not exist.
inline constexpr absl::string_view kReasonNotFound = "NOT_FOUND";
inline constexpr absl::string_view kReasonIdempotencyKeyMissing = "IDEMPOTENCY_KEY_MISSING";
inline constexpr absl::string_view kReasonRateLimited = "RATE_LIMITED";
inline constexpr absl::string_view kReasonEtagMismatch = "ETAG_MISMATCH";
inline constexpr absl::string_view kReasonIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
inline constexpr absl::string_view kReasonIdempotencyInProgress = "IDEMPOTENCY_IN_PROGRESS";
inline constexpr absl::string_view kReasonOverloaded = "OVERLOADED";
// A batch with more items than the route takes (OUT_OF_RANGE; HTTP 413).
inline constexpr absl::string_view kReasonBatchTooLarge = "BATCH_TOO_LARGE";
inline constexpr absl::string_view kReasonInternal = "INTERNAL";

struct FieldViolation {
  std::string field;
  std::string description;
};

// A status with `code`, `message` and the details {reason, violations}.
absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::vector<FieldViolation>& violations = {});

// INVALID_ARGUMENT / FIELD_INVALID naming every field at fault; OK when `violations` is empty.
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);

// RESOURCE_EXHAUSTED (HTTP 429) with `reason`, telling the caller to wait `retry_after` (rounded
// up to whole seconds, at least 1) in the details' metadata "retryAfterSeconds", which the
// gateway answers as Retry-After.
absl::Status TooManyRequests(absl::string_view reason, absl::string_view message,
                             absl::Duration retry_after);

// UNAVAILABLE / OVERLOADED: the caller may retry shortly.
absl::Status Overloaded(absl::string_view what);

// The details carried by `status`; for a status made elsewhere (e.g. a raw absl::NotFoundError)
// the reason is derived from the code so every error still has one.
api::v1::ErrorDetails DetailsOf(const absl::Status& status);

}  // namespace crm::platform
