#include "platform/base/postal_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "platform/base/text.h"

namespace crm::platform {
namespace {

bool IsPostalCode(absl::string_view code) {
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '-') return false;
  }
  return true;
}

bool IsCountryCode(absl::string_view code) {
  return code.size() == 2 && absl::ascii_isalpha(static_cast<unsigned char>(code[0])) &&
         absl::ascii_isalpha(static_cast<unsigned char>(code[1]));
}

}  // namespace

void NormalizePostalAddress(PostalAddress* a) {
  for (std::string* text : {&a->recipient, &a->phone, &a->line1, &a->line2, &a->city, &a->region,
                            &a->postal_code, &a->country}) {
    absl::StripAsciiWhitespace(text);
  }
  absl::AsciiStrToUpper(&a->country);
}

void CheckPostalAddress(const PostalAddress& a, absl::string_view prefix,
                        std::vector<FieldViolation>& violations) {
  auto name = [&](absl::string_view field) { return absl::StrCat(prefix, field); };
  CheckText(name("recipient"), a.recipient, {.max_chars = kMaxRecipientChars, .required = true},
            violations);
  if (!a.phone.empty() && !IsValidPhone(a.phone)) {
    violations.push_back({name("phone"), "must be a phone number of 5 to 15 digits"});
  }
  CheckText(name("line1"), a.line1, {.max_chars = kMaxAddressLineChars, .required = true},
            violations);
  CheckText(name("line2"), a.line2, {.max_chars = kMaxAddressLineChars}, violations);
  CheckText(name("city"), a.city, {.max_chars = kMaxPlaceChars, .required = true}, violations);
  CheckText(name("region"), a.region, {.max_chars = kMaxPlaceChars}, violations);
  if (a.postal_code.empty()) {
    violations.push_back({name("postalCode"), "is required"});
  } else if (a.postal_code.size() > kMaxPostalCodeBytes || !IsPostalCode(a.postal_code)) {
    violations.push_back(
        {name("postalCode"), "must be up to 12 letters, digits, spaces or hyphens"});
  }
  if (a.country.empty()) {
    violations.push_back({name("country"), "is required"});
  } else if (!IsCountryCode(a.country)) {
    violations.push_back({name("country"), "must be an ISO 3166-1 alpha-2 code, e.g. DE"});
  }
}

}  // namespace crm::platform
