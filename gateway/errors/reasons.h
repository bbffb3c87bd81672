// The gateway's own error reasons (crm.api.v1.ErrorDetails.reason), for what it refuses before
// any service is asked. Reasons shared with the services (TOKEN_*, RATE_LIMITED, INTERNAL, ...)
// are the platform's (platform/base/errors.h); the partner signature's are in
// auth/partner_signature.h.
#pragma once

#include "absl/strings/string_view.h"

namespace crm::gateway {

// The request itself.
inline constexpr absl::string_view kReasonMalformedRequest = "MALFORMED_REQUEST";
inline constexpr absl::string_view kReasonHeaderInvalid = "HEADER_INVALID";
inline constexpr absl::string_view kReasonHeadersTooLarge = "HEADERS_TOO_LARGE";
inline constexpr absl::string_view kReasonBodyTooLarge = "BODY_TOO_LARGE";
inline constexpr absl::string_view kReasonTransferEncodingUnsupported =
    "TRANSFER_ENCODING_UNSUPPORTED";
inline constexpr absl::string_view kReasonUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
inline constexpr absl::string_view kReasonTooManyConnections = "TOO_MANY_CONNECTIONS";

// Routing.
inline constexpr absl::string_view kReasonRouteNotFound = "ROUTE_NOT_FOUND";
inline constexpr absl::string_view kReasonMethodNotAllowed = "METHOD_NOT_ALLOWED";

// The service behind the route.
inline constexpr absl::string_view kReasonServiceUnavailable = "SERVICE_UNAVAILABLE";
inline constexpr absl::string_view kReasonBadUpstreamReply = "BAD_UPSTREAM_REPLY";

}  // namespace crm::gateway
