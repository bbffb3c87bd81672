// The customers' address book rules, free of I/O: a v1::Address is a postal address (the
// platform's rules, platform/base/postal_address.h) that a customer keeps, at most kMaxAddresses
// of them, one the default (address_service.cc); and which fields an update may change.
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

// Trims the postal address fields and upper-cases the country code
// (platform::NormalizePostalAddress).
void NormalizeAddress(v1::Address* address);

// Adds every problem with `address`'s postal address fields, each named `prefix` + its JSON name
// (platform::CheckPostalAddress).
void CheckAddress(const v1::Address& address, absl::string_view prefix,
                  std::vector<platform::FieldViolation>& violations);

}  // namespace crm::customers
