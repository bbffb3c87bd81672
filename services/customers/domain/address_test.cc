#include "customers/domain/address.h"

#include <catch2/catch.hpp>

#include "customers/domain/engagement.h"

namespace crm::customers {
namespace {

std::vector<std::string> Fields(const v1::Address& a) {
  std::vector<platform::FieldViolation> violations;
  CheckAddress(a, "address.", violations);
  std::vector<std::string> names;
  for (const auto& v : violations) names.push_back(v.field);
  return names;
}

TEST_CASE("A customer's address is checked as a postal address and keeps its other fields",
          "[address]") {
  // The postal rules themselves are the platform's (platform/base/postal_address_test.cc).
  v1::Address a;
  a.set_customer_id("c_1");
  a.set_address_id("a_1");
  a.set_is_default(true);
  a.set_recipient(" Ann Example ");
  a.set_line1("Main St 1");
  a.set_city("Berlin");
  a.set_postal_code("10115");
  a.set_country("de");
  NormalizeAddress(&a);
  CHECK(a.recipient() == "Ann Example");
  CHECK(a.country() == "DE");
  CHECK(a.customer_id() == "c_1");
  CHECK(a.address_id() == "a_1");
  CHECK(a.is_default());
  CHECK(Fields(a).empty());

  v1::Address bad;
  bad.set_postal_code("10/115");
  bad.set_country("DEU");
  bad.set_phone("call");
  CHECK(Fields(bad) == std::vector<std::string>{"address.recipient", "address.phone",
                                                "address.line1", "address.city",
                                                "address.postalCode", "address.country"});
}

TEST_CASE("recent views: a repeat moves to the front, 50 at most", "[engagement]") {
  v1::RecentViews views;
  absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  for (int i = 0; i < 60; ++i) RecordViewIn(&views, "sku-" + std::to_string(i), t);
  CHECK(views.views_size() == 50);
  CHECK(views.views(0).sku() == "sku-59");
  CHECK(views.views(49).sku() == "sku-10");
  RecordViewIn(&views, "sku-30", t);
  CHECK(views.views_size() == 50);
  CHECK(views.views(0).sku() == "sku-30");
  CHECK(views.views(1).sku() == "sku-59");
}

TEST_CASE("preferences", "[engagement]") {
  v1::Preferences p = DefaultPreferences("c_1");
  std::vector<platform::FieldViolation> violations;
  CheckPreferences(p, "preferences.", violations);
  CHECK(violations.empty());
  for (const char* good : {"en", "de-DE", "zh-Hant-TW", "sr-Latn"}) {
    p.set_language(good);
    violations.clear();
    CheckPreferences(p, "", violations);
    CHECK(violations.empty());
  }
  for (const char* bad : {"", "e", "english", "en_US", "de-"}) {
    p.set_language(bad);
    violations.clear();
    CheckPreferences(p, "", violations);
    CHECK(violations.size() == 1);
  }
  v1::Preferences other = DefaultPreferences("c_1");
  other.mutable_consent()->set_sms(true);
  CHECK(ConsentChanged(DefaultPreferences("c_1"), other));
}

}  // namespace
}  // namespace crm::customers
