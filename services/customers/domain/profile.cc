#include "customers/domain/profile.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "customers/domain/field_mask.h"
#include "customers/domain/registration.h"

namespace crm::customers {
namespace {

// Paths an update may name, in proto names; "company" replaces the whole company.
const PathSet& ChangeablePaths() {
  static const auto* paths = new PathSet{"display_name",
                                         "phone",
                                         "mobile",
                                         "notes",
                                         "birth_date",
                                         "occupation",
                                         "interests",
                                         "company",
                                         "company.name",
                                         "company.business",
                                         "company.contact_person",
                                         "company.contact_phone"};
  return *paths;
}

bool IsEmpty(const v1::Company& company) { return company.ByteSizeLong() == 0; }

void CheckPhone(const std::string& field, absl::string_view phone,
                std::vector<platform::FieldViolation>& violations) {
  if (!phone.empty() && !IsValidPhone(phone)) {
    violations.push_back({field, "must be a phone number of 5 to 15 digits, e.g. +49 30 1234567"});
  }
}

}  // namespace

bool IsValidBirthDate(absl::string_view date, absl::Time now) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  int year, month, day;
  if (!absl::SimpleAtoi(date.substr(0, 4), &year) || !absl::SimpleAtoi(date.substr(5, 2), &month) ||
      !absl::SimpleAtoi(date.substr(8, 2), &day)) {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(date[i])) return false;
  }
  absl::CivilDay civil(year, month, day);
  // CivilDay normalizes (2023-02-30 becomes 2023-03-02): a real day survives unchanged.
  if (civil.year() != year || civil.month() != month || civil.day() != day) return false;
  return year >= 1900 && civil <= absl::ToCivilDay(now, absl::UTCTimeZone());
}

void CheckProfile(const v1::Customer& c, absl::string_view prefix, absl::Time now,
                  std::vector<platform::FieldViolation>& violations) {
  auto name = [&](absl::string_view field) { return absl::StrCat(prefix, field); };
  CheckPhone(name("phone"), c.phone(), violations);
  CheckPhone(name("mobile"), c.mobile(), violations);
  CheckText(name("notes"), c.notes(), {.max_chars = kMaxNotesChars, .multiline = true}, violations);
  bool company = c.kind() == v1::Customer::COMPANY;
  if (company) {
    if (!c.birth_date().empty()) violations.push_back({name("birthDate"), "is for individuals"});
    if (!c.occupation().empty()) violations.push_back({name("occupation"), "is for individuals"});
    if (c.interests_size() > 0) violations.push_back({name("interests"), "are for individuals"});
    CheckText(name("company.name"), c.company().name(), {.max_chars = 200, .required = true},
              violations);
    CheckText(name("company.business"), c.company().business(), {.max_chars = 200}, violations);
    CheckText(name("company.contactPerson"), c.company().contact_person(), {.max_chars = 100},
              violations);
    CheckPhone(name("company.contactPhone"), c.company().contact_phone(), violations);
    return;
  }
  if (!IsEmpty(c.company())) violations.push_back({name("company"), "is for companies"});
  if (!c.birth_date().empty() && !IsValidBirthDate(c.birth_date(), now)) {
    violations.push_back({name("birthDate"), "must be a past date as YYYY-MM-DD, from 1900"});
  }
  CheckText(name("occupation"), c.occupation(), {.max_chars = 100}, violations);
  if (static_cast<size_t>(c.interests_size()) > kMaxInterests) {
    violations.push_back({name("interests"), absl::StrCat("must be at most ", kMaxInterests)});
  }
  std::set<std::string> seen;
  for (int i = 0; i < c.interests_size(); ++i) {
    std::string field = absl::StrCat(prefix, "interests[", i, "]");
    CheckText(field, c.interests(i), {.max_chars = kMaxInterestChars, .required = true},
              violations);
    if (!seen.insert(absl::AsciiStrToLower(c.interests(i))).second) {
      violations.push_back({field, "is listed twice"});
    }
  }
}

std::vector<std::string> ApplyUpdate(const v1::Customer& patch,
                                     const google::protobuf::FieldMask& mask, v1::Customer* current,
                                     std::vector<platform::FieldViolation>& violations) {
  return ApplyMask(patch, mask, ChangeablePaths(), current, violations);
}

}  // namespace crm::customers
