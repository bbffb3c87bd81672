#include "customers/config.h"

#include "absl/strings/str_cat.h"

namespace crm::customers {

Config Config::FromFlags(platform::Flags& flags) {
  Config c;
  c.hashing.mem_limit = static_cast<size_t>(
      flags.Int("argon2-memory-kib", static_cast<int64_t>(c.hashing.mem_limit / 1024),
                "argon2id memory per hash, KiB", 8, 4 * 1024 * 1024) *
      1024);
  c.hashing.ops_limit = static_cast<unsigned long long>(flags.Int(
      "argon2-passes", static_cast<int64_t>(c.hashing.ops_limit), "argon2id passes", 1, 20));
  c.token_private_key_file =
      flags.RequiredString("token-private-key", "PEM private key that signs access tokens");
  c.token_issuer = flags.String("token-issuer", c.token_issuer, "written as the tokens' iss");
  c.access_ttl = absl::Seconds(
      flags.Int("access-token-ttl-s", 900, "access token lifetime, seconds", 10, 86400));
  c.refresh_ttl = absl::Seconds(flags.Int("refresh-token-ttl-s", 30 * 86400,
                                          "refresh token lifetime, seconds", 60, 365 * 86400));
  c.mailer_public_key_file = flags.RequiredString(
      "mailer-public-key",
      "file with the mailer's X25519 public key (base64): password reset tokens are sealed for it");
  c.throttle.free_failures = static_cast<int>(flags.Int(
      "login-free-failures", c.throttle.free_failures,
      "wrong passwords in a row an email may have before logins for it are slowed down", 1, 100));
  c.throttle.max_block =
      absl::Seconds(flags.Int("login-max-block-s", absl::ToInt64Seconds(c.throttle.max_block),
                              "longest wait after repeated wrong passwords, seconds", 1, 86400));
  c.loyalty.currency =
      flags.String("loyalty-currency", c.loyalty.currency,
                   "the shop's currency (ISO 4217): amounts in another are refused");
  c.loyalty.cents_per_point =
      flags.Int("loyalty-cents-per-point", c.loyalty.cents_per_point,
                "minor units of spend per point at a 100 % multiplier", 1, 1'000'000);
  c.loyalty.review_points = flags.Int("loyalty-review-points", c.loyalty.review_points,
                                      "points a product review earns", 0, 1'000'000);
  c.loyalty_tiers_ = flags.String(
      "loyalty-tiers",
      "REGULAR:0:100:no:no,SILVER:50000:125:no:no,GOLD:200000:150:yes:no,"
      "PLATINUM:500000:200:yes:yes",
      "tiers: NAME:min_spend_cents_365d:points_multiplier_percent:free_express:priority_support");
  c.first_admin.email =
      flags.String("admin-email", "",
                   "email of the first admin account, made at start unless a staff account has it");
  c.first_admin.password = flags.String(
      "admin-password", "",
      "password of that account when it is made; an existing account's is never changed");
  return c;
}

absl::Status Config::Check() {
  if (!loyalty_tiers_.empty()) {
    auto tiers = LoyaltyPolicy::ParseTiers(loyalty_tiers_);
    if (!tiers.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--loyalty-tiers: ", tiers.status().message()));
    }
    loyalty.tiers = *std::move(tiers);
  }
  if (first_admin.email.empty() != first_admin.password.empty()) {
    return absl::InvalidArgumentError(
        "--admin-email and --admin-password (CRM_ADMIN_EMAIL, CRM_ADMIN_PASSWORD) go together: "
        "set both or neither");
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
