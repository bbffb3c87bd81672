// The orders service's configuration: its own flags (the platform's are RuntimeOptions), read
// and checked in one place (see customers/config.h for the pattern).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "platform/base/flags.h"

namespace crm::orders {

struct Config {
  // The shop's one currency (ISO 4217): the same value customers' --loyalty-currency has
  // (./crm up sets both from CRM_CURRENCY).
  std::string currency = "EUR";

  // Reads every flag (call flags.Finish() afterwards, then Check()).
  static Config FromFlags(platform::Flags& flags);
  // Errors: INVALID_ARGUMENT naming the flag.
  absl::Status Check() const;
};

}  // namespace crm::orders
