// The rules of an address, free of I/O: required parts, lengths, the country code, the phone,
// and which fields an update may change.
//
//   std::vector<platform::FieldViolation> violations;
//   NormalizeAddress(&address);                       // country upper-cased, text trimmed
//   CheckAddress(address, "address.", violations);    // names "address.city", ...
#pragma once

#include <string>
#include <vector>

#include "crm/customers/v1/addresses.pb.h"
#include "customers/domain/field_mask.h"
#include "platform/base/errors.h"

namespace crm::customers {

inline constexpr int kMaxAddresses = 20;

// Paths UpdateAddress may name.
const PathSet& ChangeableAddressPaths();

// Trims the text fields and upper-cases the country code.
void NormalizeAddress(v1::Address* address);

// Adds every problem with `address`'s own fields, each named `prefix` + its JSON name.
void CheckAddress(const v1::Address& address, absl::string_view prefix,
                  std::vector<platform::FieldViolation>& violations);

}  // namespace crm::customers
