// A postal address and the rules that make one deliverable, for every service that keeps or
// ships to addresses (customers' address book, orders' shipping addresses). API.md: "An address
// is {recipient, phone, line1, line2, city, region, postalCode, country}".
//
//   PostalAddress address = PostalAddressOf(request.address());   // any message with the fields
//   NormalizePostalAddress(&address);                  // text trimmed, country upper-cased
//   std::vector<FieldViolation> violations;
//   CheckPostalAddress(address, "address.", violations);           // names "address.city", ...
//   CopyPostalAddress(address, response.mutable_address());
//
// Plain functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "platform/base/errors.h"

namespace crm::platform {

inline constexpr size_t kMaxRecipientChars = 100;
inline constexpr size_t kMaxAddressLineChars = 200;
inline constexpr size_t kMaxPlaceChars = 100;  // city, region
inline constexpr size_t kMaxPostalCodeBytes = 12;

struct PostalAddress {
  // Who receives parcels here. Required.
  std::string recipient;
  // Optional; a phone number (IsValidPhone, text.h).
  std::string phone;
  // Required.
  std::string line1;
  std::string line2;
  // Required.
  std::string city;
  std::string region;
  // Required: up to 12 letters, digits, spaces or hyphens.
  std::string postal_code;
  // Required: ISO 3166-1 alpha-2, e.g. "DE".
  std::string country;
};

// Trims every field and upper-cases the country code.
void NormalizePostalAddress(PostalAddress* address);

// Adds every problem with `address`, each named `prefix` + its JSON name (recipient, phone,
// line1, line2, city, region, postalCode, country), in that order. Text goes through CheckText.
void CheckPostalAddress(const PostalAddress& address, absl::string_view prefix,
                        std::vector<FieldViolation>& violations);

// The address fields of any message that has them by these names (a service's own address
// message keeps its JSON shape and its other fields).
template <typename Message>
PostalAddress PostalAddressOf(const Message& m) {
  return {m.recipient(), m.phone(),  m.line1(),       m.line2(),
          m.city(),      m.region(), m.postal_code(), m.country()};
}

// Sets the address fields of `m` from `address`, leaving its other fields.
template <typename Message>
void CopyPostalAddress(const PostalAddress& address, Message* m) {
  m->set_recipient(address.recipient);
  m->set_phone(address.phone);
  m->set_line1(address.line1);
  m->set_line2(address.line2);
  m->set_city(address.city);
  m->set_region(address.region);
  m->set_postal_code(address.postal_code);
  m->set_country(address.country);
}

}  // namespace crm::platform
