// The orders service's own error reasons (crm.api.v1.ErrorDetails.reason). The platform's shared
// ones (FIELD_INVALID, TOKEN_*, ETAG_MISMATCH, ...) are in platform/base/errors.h.
#pragma once

#include "absl/strings/string_view.h"

namespace crm::orders {

inline constexpr absl::string_view kReasonProductNotFound = "PRODUCT_NOT_FOUND";
inline constexpr absl::string_view kReasonWarehouseNotFound = "WAREHOUSE_NOT_FOUND";

}  // namespace crm::orders
