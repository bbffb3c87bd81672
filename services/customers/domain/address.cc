#include "customers/domain/address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "customers/domain/profile.h"
#include "customers/domain/registration.h"

namespace crm::customers {
namespace {

void Trim(std::string* text) { absl::StripAsciiWhitespace(text); }

bool IsPostalCode(absl::string_view code) {
  for (char c : code) {
    if (!absl::ascii_isalnum(c) && c != ' ' && c != '-') return false;
  }
  return true;
}

}  // namespace

const PathSet& ChangeableAddressPaths() {
  static const auto* paths = new PathSet{"recipient", "phone",  "line1",       "line2",
                                         "city",      "region", "postal_code", "country"};
  return *paths;
}

void NormalizeAddress(v1::Address* a) {
  for (std::string* text : {a->mutable_recipient(), a->mutable_phone(), a->mutable_line1(),
                            a->mutable_line2(), a->mutable_city(), a->mutable_region(),
                            a->mutable_postal_code(), a->mutable_country()}) {
    Trim(text);
  }
  absl::AsciiStrToUpper(a->mutable_country());
}

void CheckAddress(const v1::Address& a, absl::string_view prefix,
                  std::vector<platform::FieldViolation>& violations) {
  auto name = [&](absl::string_view field) { return absl::StrCat(prefix, field); };
  CheckText(name("recipient"), a.recipient(), {.max_chars = 100, .required = true}, violations);
  if (!a.phone().empty() && !IsValidPhone(a.phone())) {
    violations.push_back({name("phone"), "must be a phone number of 5 to 15 digits"});
  }
  CheckText(name("line1"), a.line1(), {.max_chars = 200, .required = true}, violations);
  CheckText(name("line2"), a.line2(), {.max_chars = 200}, violations);
  CheckText(name("city"), a.city(), {.max_chars = 100, .required = true}, violations);
  CheckText(name("region"), a.region(), {.max_chars = 100}, violations);
  if (a.postal_code().empty()) {
    violations.push_back({name("postalCode"), "is required"});
  } else if (a.postal_code().size() > 12 || !IsPostalCode(a.postal_code())) {
    violations.push_back({name("postalCode"), "must be up to 12 letters, digits, spaces or hyphens"});
  }
  if (a.country().empty()) {
    violations.push_back({name("country"), "is required"});
  } else if (a.country().size() != 2 || !absl::ascii_isalpha(a.country()[0]) ||
             !absl::ascii_isalpha(a.country()[1])) {
    violations.push_back({name("country"), "must be an ISO 3166-1 alpha-2 code, e.g. DE"});
  }
}

}  // namespace crm::customers
