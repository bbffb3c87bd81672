#include "orders/domain/product.h"

#include "absl/strings/str_cat.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

void CheckProduct(const v1::Product& product, absl::string_view shop_currency,
                  std::vector<platform::FieldViolation>& violations) {
  platform::CheckText("product.name", product.name(),
                      {.max_chars = kMaxProductNameChars, .required = true}, violations);
  if (product.price_cents() < 0 || product.price_cents() > kMaxPriceCents) {
    violations.push_back({"product.priceCents", "must be 0 to 100000000000"});
  }
  CheckCurrency("product.currency", product.currency(), shop_currency, violations);
  if (product.warranty_months() < 0 || product.warranty_months() > kMaxWarrantyMonths) {
    violations.push_back({"product.warrantyMonths", "must be 0 to 120"});
  }
  if (product.has_release_at() && !platform::IsValidTimestamp(product.release_at())) {
    violations.push_back({"product.releaseAt", "is not a valid time"});
  }
}

void CheckCurrency(absl::string_view field, absl::string_view currency,
                   absl::string_view shop_currency,
                   std::vector<platform::FieldViolation>& violations) {
  if (currency.empty()) {
    violations.push_back({std::string(field), "is required"});
  } else if (currency != shop_currency) {
    violations.push_back(
        {std::string(field), absl::StrCat("must be ", shop_currency, ", the shop's currency")});
  }
}

}  // namespace crm::orders
