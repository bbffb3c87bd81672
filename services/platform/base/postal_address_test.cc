#include "platform/base/postal_address.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::platform {
namespace {

using Names = std::vector<std::string>;

PostalAddress Good() {
  return {.recipient = "Ann Example",
          .phone = "+49 30 1234567",
          .line1 = "Main St 1",
          .line2 = "",
          .city = "Berlin",
          .region = "",
          .postal_code = "10115",
          .country = "DE"};
}

// The fields CheckPostalAddress names for `a`, in order.
Names Fields(const PostalAddress& a) {
  std::vector<FieldViolation> violations;
  CheckPostalAddress(a, "address.", violations);
  Names names;
  for (const auto& v : violations) names.push_back(v.field);
  return names;
}

// The one description CheckPostalAddress gives for `a`, or "" when it finds nothing.
std::string Problem(const PostalAddress& a) {
  std::vector<FieldViolation> violations;
  CheckPostalAddress(a, "", violations);
  if (violations.empty()) return "";
  CHECK(violations.size() == 1);
  return violations[0].field + " " + violations[0].description;
}

TEST_CASE("An address needs recipient, line1, city, postal code and an ISO country",
          "[postal_address]") {
  CHECK(Fields(Good()).empty());
  PostalAddress bare;
  CHECK(Fields(bare) == Names{"address.recipient", "address.line1", "address.city",
                              "address.postalCode", "address.country"});

  PostalAddress bad;
  bad.postal_code = "10/115";
  bad.country = "DEU";
  bad.phone = "call";
  CHECK(Fields(bad) == Names{"address.recipient", "address.phone", "address.line1", "address.city",
                             "address.postalCode", "address.country"});
}

TEST_CASE("Normalizing trims every field and upper-cases the country", "[postal_address]") {
  PostalAddress a;
  a.recipient = " Ann Example ";
  a.phone = " 12345 ";
  a.line1 = "\tMain St 1";
  a.line2 = "Floor 2 ";
  a.city = " Berlin";
  a.region = " BE ";
  a.postal_code = " 10115 ";
  a.country = " de ";
  NormalizePostalAddress(&a);
  CHECK(a.recipient == "Ann Example");
  CHECK(a.phone == "12345");
  CHECK(a.line1 == "Main St 1");
  CHECK(a.line2 == "Floor 2");
  CHECK(a.city == "Berlin");
  CHECK(a.region == "BE");
  CHECK(a.postal_code == "10115");
  CHECK(a.country == "DE");
  CHECK(Fields(a).empty());
}

TEST_CASE("Each part's own rule, in what the caller sees", "[postal_address]") {
  PostalAddress a = Good();
  a.recipient = std::string(101, 'r');
  CHECK(Problem(a) == "recipient must have at most 100 characters");
  a = Good();
  a.line1 = std::string(200, 'l');
  a.line2 = std::string(200, 'l');
  CHECK(Problem(a).empty());
  a.line2 = std::string(201, 'l');
  CHECK(Problem(a) == "line2 must have at most 200 characters");
  a = Good();
  a.city = "Ber\xe2\x80\xaelin";  // U+202E, a bidi override
  CHECK(Problem(a) == "city must not contain control or invisible formatting characters (U+202E)");
  a = Good();
  a.phone = "1234";
  CHECK(Problem(a) == "phone must be a phone number of 5 to 15 digits");
  a.phone = "";  // optional
  CHECK(Problem(a).empty());
  a = Good();
  a.postal_code = "SW1A 1AA";
  CHECK(Problem(a).empty());
  a.postal_code = "1234567890123";
  CHECK(Problem(a) == "postalCode must be up to 12 letters, digits, spaces or hyphens");
  a = Good();
  a.country = "D1";
  CHECK(Problem(a) == "country must be an ISO 3166-1 alpha-2 code, e.g. DE");
}

// Any message with the address fields by name, here a stand-in defined in the test.
struct FakeAddressMessage {
  std::string recipient_, phone_, line1_, line2_, city_, region_, postal_code_, country_, other_;
  const std::string& recipient() const { return recipient_; }
  const std::string& phone() const { return phone_; }
  const std::string& line1() const { return line1_; }
  const std::string& line2() const { return line2_; }
  const std::string& city() const { return city_; }
  const std::string& region() const { return region_; }
  const std::string& postal_code() const { return postal_code_; }
  const std::string& country() const { return country_; }
  void set_recipient(const std::string& v) { recipient_ = v; }
  void set_phone(const std::string& v) { phone_ = v; }
  void set_line1(const std::string& v) { line1_ = v; }
  void set_line2(const std::string& v) { line2_ = v; }
  void set_city(const std::string& v) { city_ = v; }
  void set_region(const std::string& v) { region_ = v; }
  void set_postal_code(const std::string& v) { postal_code_ = v; }
  void set_country(const std::string& v) { country_ = v; }
};

TEST_CASE("A message's address fields are read and written by name, its others kept",
          "[postal_address]") {
  FakeAddressMessage m{.recipient_ = " Ann ",
                       .line1_ = "Main St 1",
                       .city_ = "Berlin",
                       .postal_code_ = "10115",
                       .country_ = "de",
                       .other_ = "kept"};
  PostalAddress a = PostalAddressOf(m);
  CHECK(a.recipient == " Ann ");
  CHECK(a.country == "de");
  NormalizePostalAddress(&a);
  CopyPostalAddress(a, &m);
  CHECK(m.recipient() == "Ann");
  CHECK(m.country() == "DE");
  CHECK(m.line1() == "Main St 1");
  CHECK(m.other_ == "kept");
}

}  // namespace
}  // namespace crm::platform
