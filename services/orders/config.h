// The orders service's configuration: its own flags (the platform's are RuntimeOptions), read
// and checked in one place (see customers/config.h for the pattern).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "orders/domain/delivery_terms.h"
#include "platform/base/flags.h"

namespace crm::orders {

struct Config {
  // The shop's one currency (ISO 4217): the same value customers' --loyalty-currency has
  // (./crm up sets both from CRM_CURRENCY).
  std::string currency = "EUR";
  // The customers service's gRPC address: checkout benefits when an order is placed. Required.
  std::string customers_address;
  // How long placing an order waits for it before answering 503.
  absl::Duration customers_timeout = absl::Seconds(2);
  // A file holding the key (32 bytes, base64, one line) that seals carriers' signing secrets at
  // rest (platform::SecretBox). Required; `./crm up` makes one in var/keys.
  std::string secrets_key_file;
  // The shipping table and delivery days (domain/delivery_terms.h).
  std::string shipping_rates = std::string(kDefaultShippingRates);
  std::string delivery_days = std::string(kDefaultDeliveryDays);

  // Reads every flag (call flags.Finish() afterwards, then Check()).
  static Config FromFlags(platform::Flags& flags);
  // Errors: INVALID_ARGUMENT naming the flag.
  absl::Status Check() const;
  // The parsed shipping table; call after Check() passed.
  DeliveryTerms Terms() const;
};

}  // namespace crm::orders
