#include "orders/domain/product.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::orders {
namespace {

v1::Product Valid() {
  v1::Product p;
  p.set_name("Espresso machine");
  p.set_price_cents(24900);
  p.set_currency("EUR");
  p.set_returnable(true);
  p.set_warranty_months(24);
  return p;
}

std::vector<std::string> FieldsOf(const v1::Product& product) {
  std::vector<platform::FieldViolation> violations;
  CheckProduct(product, "EUR", violations);
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

TEST_CASE("a product the price list can hold passes", "[product]") {
  CHECK(FieldsOf(Valid()).empty());
  v1::Product free = Valid();
  free.set_price_cents(0);
  free.set_warranty_months(0);
  free.mutable_release_at()->set_seconds(1'900'000'000);
  CHECK(FieldsOf(free).empty());
}

TEST_CASE("each field the price list cannot hold is named", "[product]") {
  struct Case {
    const char* what;
    void (*change)(v1::Product&);
    const char* field;
  };
  const Case cases[] = {
      {"no name", [](v1::Product& p) { p.clear_name(); }, "product.name"},
      {"a control character", [](v1::Product& p) { p.set_name("a\x01b"); }, "product.name"},
      {"a negative price", [](v1::Product& p) { p.set_price_cents(-1); }, "product.priceCents"},
      {"a price past the bound", [](v1::Product& p) { p.set_price_cents(kMaxPriceCents + 1); },
       "product.priceCents"},
      {"no currency", [](v1::Product& p) { p.clear_currency(); }, "product.currency"},
      {"another currency", [](v1::Product& p) { p.set_currency("USD"); }, "product.currency"},
      {"a negative warranty", [](v1::Product& p) { p.set_warranty_months(-1); },
       "product.warrantyMonths"},
      {"a warranty past ten years", [](v1::Product& p) { p.set_warranty_months(121); },
       "product.warrantyMonths"},
      {"a release time out of range", [](v1::Product& p) { p.mutable_release_at()->set_nanos(-1); },
       "product.releaseAt"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    v1::Product product = Valid();
    c.change(product);
    CHECK(FieldsOf(product) == std::vector<std::string>{c.field});
  }
}

}  // namespace
}  // namespace crm::orders
