#include "orders/config.h"

#include "absl/strings/ascii.h"

namespace crm::orders {

Config Config::FromFlags(platform::Flags& flags) {
  Config c;
  c.currency = flags.String("currency", c.currency,
                            "the shop's one currency (ISO 4217): prices in another are refused");
  c.customers_address = flags.String(
      "customers-address", c.customers_address,
      "host:port of the customers service (checkout benefits when an order is placed); required");
  c.customers_timeout = absl::Milliseconds(
      flags.Int("customers-timeout-ms", 2000,
                "how long placing an order waits for the customers service", 50, 60000));
  c.secrets_key_file =
      flags.String("secrets-key-file", c.secrets_key_file,
                   "file with the base64 key sealing carriers' signing secrets at rest; required");
  c.shipping_rates = flags.String(
      "shipping-rates", c.shipping_rates,
      "shipping fee per order in minor units: SPEED=cents, SPEED@region=cents for a region");
  c.delivery_days = flags.String("delivery-days", c.delivery_days,
                                 "calendar days from ready to promised delivery: SPEED=days");
  return c;
}

absl::Status Config::Check() const {
  bool iso = currency.size() == 3;
  for (char ch : currency) iso = iso && absl::ascii_isupper(ch);
  if (!iso) return absl::InvalidArgumentError("--currency: must be 3 capital letters, e.g. EUR");
  if (customers_address.empty()) {
    return absl::InvalidArgumentError("--customers-address: required (host:port)");
  }
  if (secrets_key_file.empty()) {
    return absl::InvalidArgumentError("--secrets-key-file: required (a file with a base64 key)");
  }
  return ParseDeliveryTerms(shipping_rates, delivery_days).status();
}

DeliveryTerms Config::Terms() const { return *ParseDeliveryTerms(shipping_rates, delivery_days); }

}  // namespace crm::orders
