// The customers service's own error reasons (crm.api.v1.ErrorDetails.reason), in one place:
// stable strings clients program against (API.md). The platform's shared ones (FIELD_INVALID,
// TOKEN_*, ETAG_MISMATCH, ...) are in platform/base/errors.h.
#pragma once

#include "absl/strings/string_view.h"

namespace crm::customers {

// Accounts and sessions.
inline constexpr absl::string_view kReasonEmailTaken = "EMAIL_TAKEN";
inline constexpr absl::string_view kReasonInvalidCredentials = "INVALID_CREDENTIALS";
inline constexpr absl::string_view kReasonLoginThrottled = "LOGIN_THROTTLED";
inline constexpr absl::string_view kReasonRefreshTokenInvalid = "REFRESH_TOKEN_INVALID";
inline constexpr absl::string_view kReasonResetTokenInvalid = "RESET_TOKEN_INVALID";
inline constexpr absl::string_view kReasonSessionNotFound = "SESSION_NOT_FOUND";
inline constexpr absl::string_view kReasonSessionExists = "SESSION_EXISTS";
inline constexpr absl::string_view kReasonSelfChangeRefused = "SELF_CHANGE_REFUSED";

// Records.
inline constexpr absl::string_view kReasonCustomerNotFound = "CUSTOMER_NOT_FOUND";
inline constexpr absl::string_view kReasonStaffNotFound = "STAFF_NOT_FOUND";
inline constexpr absl::string_view kReasonAddressNotFound = "ADDRESS_NOT_FOUND";
inline constexpr absl::string_view kReasonAddressBookFull = "ADDRESS_BOOK_FULL";
inline constexpr absl::string_view kReasonWishlistFull = "WISHLIST_FULL";
inline constexpr absl::string_view kReasonInteractionNotFound = "INTERACTION_NOT_FOUND";

// Loyalty.
inline constexpr absl::string_view kReasonPointsInsufficient = "POINTS_INSUFFICIENT";

}  // namespace crm::customers
