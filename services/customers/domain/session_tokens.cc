#include "customers/domain/session_tokens.h"

#include "absl/strings/str_cat.h"
#include "customers/domain/secrets.h"
#include "platform/base/ids.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

std::string FormatRefreshToken(const ParsedRefreshToken& token) {
  return absl::StrCat(token.session_id, ".", EncodeSecret(token.secret));
}

std::optional<ParsedRefreshToken> ParseRefreshToken(absl::string_view text) {
  size_t dot = text.find('.');
  if (dot == absl::string_view::npos || dot == 0) return std::nullopt;
  std::optional<std::string> secret = DecodeSecret(text.substr(dot + 1));
  if (!secret) return std::nullopt;
  return ParsedRefreshToken{std::string(text.substr(0, dot)), std::move(*secret)};
}

SessionTokens::SessionTokens(SessionTokenOptions options) : options_(std::move(options)) {}

store::v1::SessionRecord SessionTokens::Open(absl::string_view subject, absl::string_view role,
                                             int64_t token_version, absl::Time now) const {
  store::v1::SessionRecord session;
  session.set_session_id(platform::NewId("s"));
  session.set_subject(std::string(subject));
  session.set_role(std::string(role));
  *session.mutable_created_at() = platform::ToTimestamp(now);
  *session.mutable_refresh_expires_at() = platform::ToTimestamp(now + options_.refresh_ttl);
  session.set_token_version(token_version);
  return session;
}

absl::Status SessionTokens::Issue(store::v1::SessionRecord& session, absl::Time now,
                                  v1::TokenResponse* response) const {
  auto access_token = options_.signer.Sign({.subject = session.subject(),
                                            .role = session.role(),
                                            .audience = options_.audience,
                                            .issued_at = now,
                                            .not_before = now,
                                            .expires_at = now + options_.access_ttl,
                                            .token_version = session.token_version(),
                                            .session_id = session.session_id()});
  if (!access_token.ok()) return access_token.status();
  std::string secret = NewSecret();
  session.set_previous_refresh_secret_hash(session.refresh_secret_hash());
  session.set_refresh_secret_hash(Sha256(secret));

  response->set_access_token(*access_token);
  response->set_token_type("Bearer");
  response->set_expires_in(absl::ToInt64Seconds(options_.access_ttl));
  response->set_refresh_token(FormatRefreshToken({session.session_id(), secret}));
  if (session.role() == kCustomerRole) {
    response->set_customer_id(session.subject());
  } else {
    response->set_staff_id(session.subject());
  }
  response->set_role(session.role());
  return absl::OkStatus();
}

}  // namespace crm::customers
