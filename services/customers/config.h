// The customers service's configuration: its own flags (the platform's are RuntimeOptions),
// read and checked in one place, so that main only wires and tests build the same server with
// values of their own.
//
//   platform::Flags flags("customers", argc, argv);
//   auto options = platform::RuntimeOptions::FromFlags(flags);
//   customers::Config config = customers::Config::FromFlags(flags);
//   if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
//   if (absl::Status s = config.Check(); !s.ok()) return platform::ExitForFlags(s);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "customers/api/staff_service.h"
#include "customers/domain/login_throttle.h"
#include "customers/domain/loyalty.h"
#include "customers/domain/password.h"
#include "platform/base/flags.h"

namespace crm::customers {

struct Config {
  // argon2id parameters for every password (customers' and staff's).
  PasswordHashing hashing = PasswordHashing::Interactive();
  // PEM private key file that signs access tokens, and the issuer they name.
  std::string token_private_key_file;
  std::string token_issuer = "crm/customers";
  absl::Duration access_ttl = absl::Minutes(15);
  absl::Duration refresh_ttl = absl::Hours(30 * 24);
  // File with the mailer's X25519 public key (base64): reset tokens are sealed for it.
  std::string mailer_public_key_file;
  LoginThrottlePolicy throttle;
  LoyaltyPolicy loyalty = LoyaltyPolicy::Default();
  // Empty email: no admin account is made at start.
  FirstAdmin first_admin;

  // Reads every flag (call flags.Finish() afterwards, then Check()).
  static Config FromFlags(platform::Flags& flags);
  // What flags alone cannot check: the tier table (kept as read until then) and that the admin
  // email and password come together. Errors: INVALID_ARGUMENT naming the flag.
  absl::Status Check();

 private:
  std::string loyalty_tiers_;
};

}  // namespace crm::customers
