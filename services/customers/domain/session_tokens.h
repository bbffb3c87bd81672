// What a session hands out: a short-lived access token (a JWT naming the session and the
// account's token version) and a refresh token "<session id>.<secret>" whose secret is kept only
// as a SHA-256. Login, refresh, password change all answer through Issue, which rotates the
// secret, so exactly one refresh token of a session works at a time.
//
//   SessionTokens tokens({.signer = signer, .audience = "crm"});
//   store::v1::SessionRecord session = tokens.Open("c_1", "customer", token_version, now);
//   if (absl::Status s = tokens.Issue(session, now, &response); !s.ok()) return s;
//   ...store `session` in the same transaction...
//
// Thread-safe (immutable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/customers/v1/auth.pb.h"
#include "customers/store/records.pb.h"
#include "platform/auth/tokens.h"

namespace crm::customers {

inline constexpr absl::string_view kCustomerRole = "customer";

struct ParsedRefreshToken {
  std::string session_id;
  // Raw bytes.
  std::string secret;
};

std::string FormatRefreshToken(const ParsedRefreshToken& token);
// nullopt for anything but "<session id>.<base64url of 32 bytes>".
std::optional<ParsedRefreshToken> ParseRefreshToken(absl::string_view text);

struct SessionTokenOptions {
  const platform::TokenSigner& signer;
  // Written as "aud". Default "crm".
  std::string audience = "crm";
  // Default 15 minutes.
  absl::Duration access_ttl = absl::Minutes(15);
  // Counted from login; refreshing does not extend it. Default 30 days.
  absl::Duration refresh_ttl = absl::Hours(24 * 30);
};

class SessionTokens {
 public:
  explicit SessionTokens(SessionTokenOptions options);

  // A new session (random id "s_...") of `subject` with `role`, opened at `now`; it has no
  // refresh secret until Issue.
  store::v1::SessionRecord Open(absl::string_view subject, absl::string_view role,
                                int64_t token_version, absl::Time now) const;

  // Gives `session` a new refresh secret (the one it replaces is kept, so its replay can be
  // recognised) and fills `response` with its access token and refresh token, made at `now`
  // with the session's token version. Store `session` afterwards. Errors: INTERNAL (signing).
  absl::Status Issue(store::v1::SessionRecord& session, absl::Time now,
                     v1::TokenResponse* response) const;

  const SessionTokenOptions& options() const { return options_; }

 private:
  SessionTokenOptions options_;
};

}  // namespace crm::customers
