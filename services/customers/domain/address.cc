#include "customers/domain/address.h"

#include "platform/base/postal_address.h"

namespace crm::customers {

const PathSet& ChangeableAddressPaths() {
  static const auto* paths = new PathSet{"recipient", "phone",  "line1",       "line2",
                                         "city",      "region", "postal_code", "country"};
  return *paths;
}

void NormalizeAddress(v1::Address* address) {
  platform::PostalAddress postal = platform::PostalAddressOf(*address);
  platform::NormalizePostalAddress(&postal);
  platform::CopyPostalAddress(postal, address);
}

void CheckAddress(const v1::Address& address, absl::string_view prefix,
                  std::vector<platform::FieldViolation>& violations) {
  platform::CheckPostalAddress(platform::PostalAddressOf(address), prefix, violations);
}

}  // namespace crm::customers
