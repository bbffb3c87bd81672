#include "orders/config.h"

#include "absl/strings/ascii.h"

namespace crm::orders {

Config Config::FromFlags(platform::Flags& flags) {
  Config c;
  c.currency = flags.String("currency", c.currency,
                            "the shop's one currency (ISO 4217): prices in another are refused");
  return c;
}

absl::Status Config::Check() const {
  bool iso = currency.size() == 3;
  for (char ch : currency) iso = iso && absl::ascii_isupper(ch);
  if (!iso) return absl::InvalidArgumentError("--currency: must be 3 capital letters, e.g. EUR");
  return absl::OkStatus();
}

}  // namespace crm::orders
