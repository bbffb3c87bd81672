#include "customers/domain/profile.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace crm::customers {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 22, 12, 0, 0), absl::UTCTimeZone());

using Names = std::vector<std::string>;

Names Fields(const v1::Customer& c) {
  std::vector<platform::FieldViolation> violations;
  CheckProfile(c, "customer.", kNow, violations);
  Names names;
  for (const auto& v : violations) names.push_back(v.field);
  return names;
}

v1::Customer Individual() {
  v1::Customer c;
  c.set_kind(v1::Customer::INDIVIDUAL);
  c.set_display_name("Ann Example");
  return c;
}

v1::Customer Company() {
  v1::Customer c;
  c.set_kind(v1::Customer::COMPANY);
  c.set_display_name("Acme");
  c.mutable_company()->set_name("Acme Ltd");
  return c;
}

TEST_CASE("Birth dates", "[profile]") {
  CHECK(IsValidBirthDate("1990-02-28", kNow));
  CHECK(IsValidBirthDate("2000-02-29", kNow));
  CHECK(IsValidBirthDate("2026-11-22", kNow));
  CHECK_FALSE(IsValidBirthDate("2026-11-23", kNow));  // the future
  CHECK_FALSE(IsValidBirthDate("1899-12-31", kNow));
  CHECK_FALSE(IsValidBirthDate("2023-02-29", kNow));  // no such day
  CHECK_FALSE(IsValidBirthDate("1990-13-01", kNow));
  CHECK_FALSE(IsValidBirthDate("1990-1-01", kNow));
  CHECK_FALSE(IsValidBirthDate("+990-01-01", kNow));
}

TEST_CASE("An individual's profile: own fields checked, company fields refused", "[profile]") {
  v1::Customer c = Individual();
  c.set_phone("+49 30 1234567");
  c.set_birth_date("1990-05-17");
  c.set_occupation("Engineer");
  c.add_interests("cycling");
  c.add_interests("books");
  c.set_notes("prefers email\nafter 6 pm");
  CHECK(Fields(c).empty());

  c.set_mobile("abc");
  c.set_birth_date("tomorrow");
  c.add_interests("Cycling");
  c.mutable_company()->set_name("Acme");
  Names names = Fields(c);
  CHECK(std::find(names.begin(), names.end(), "customer.mobile") != names.end());
  CHECK(std::find(names.begin(), names.end(), "customer.company") != names.end());
  CHECK(std::find(names.begin(), names.end(), "customer.birthDate") != names.end());
  CHECK(std::find(names.begin(), names.end(), "customer.interests[2]") != names.end());
  CHECK(std::find(names.begin(), names.end(), "customer.notes") == names.end());
}

TEST_CASE("A company's profile needs its name and refuses an individual's fields", "[profile]") {
  v1::Customer c = Company();
  c.mutable_company()->set_contact_phone("+44 20 7946 0000");
  CHECK(Fields(c).empty());
  c.mutable_company()->clear_name();
  c.set_occupation("Engineer");
  CHECK(Fields(c) == Names{"customer.occupation", "customer.company.name"});
}

TEST_CASE("ApplyUpdate copies the masked fields only and refuses paths that cannot change",
          "[profile]") {
  v1::Customer current = Company();
  current.set_phone("12345");
  current.mutable_company()->set_business("widgets");
  v1::Customer patch;
  patch.set_phone("+49 30 1234567");
  patch.set_notes("not in the mask");
  patch.mutable_company()->set_name("Acme Group");
  google::protobuf::FieldMask mask;
  mask.add_paths("phone");
  mask.add_paths("company.name");
  std::vector<platform::FieldViolation> violations;
  auto applied = ApplyUpdate(patch, mask, &current, violations);
  CHECK(violations.empty());
  CHECK(applied == Names{"phone", "company.name"});
  CHECK(current.phone() == "+49 30 1234567");
  CHECK(current.notes().empty());
  CHECK(current.company().name() == "Acme Group");
  CHECK(current.company().business() == "widgets");

  // "company" as a whole replaces it.
  google::protobuf::FieldMask whole;
  whole.add_paths("company");
  ApplyUpdate(patch, whole, &current, violations);
  CHECK(current.company().business().empty());

  v1::Customer before = current;
  google::protobuf::FieldMask bad;
  bad.add_paths("email");
  bad.add_paths("kind");
  bad.add_paths("phone");
  CHECK(ApplyUpdate(patch, bad, &current, violations).empty());
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "updateMask");
  CHECK(violations[0].description.find("cannot change email, kind") == 0);
  CHECK(current.SerializeAsString() == before.SerializeAsString());

  violations.clear();
  ApplyUpdate(patch, google::protobuf::FieldMask(), &current, violations);
  CHECK(violations.size() == 1);
}

}  // namespace
}  // namespace crm::customers
