// Access tokens: JWTs signed with an asymmetric key (ES256 by default; RS256 possible), and the
// one place that decides whether a token is good. The algorithm is fixed by configuration and
// compared with the token's header before anything else, so neither "alg: none" nor a token
// re-signed as HS256 with the public key as its secret can pass; libjwt checks the signature;
// the claims libjwt leaves alone (exp, nbf, iss, aud) are checked here.
//
//   auto signer = TokenSigner::Create({.private_key_pem = key, .issuer = "crm/customers"});
//   std::string token = *signer->Sign({.subject = "c_1", .role = "customer", ...});
//   auto verifier = TokenVerifier::Create({.issuers = {{"crm/customers", public_pem}},
//                                          .audience = "crm"});
//   absl::StatusOr<TokenClaims> claims = verifier->Verify(token, clock.Now());
//
// Both are immutable after Create and thread-safe. The token version (revocation by logout,
// password change, erasure) is a claim here; comparing it with the stored version is the
// caller's, which holds the store.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace crm::platform {

// Service keys sign as "crm/svc/<service>" and may claim nothing but role "service" with subject
// "svc:<service>"; the gateway's partner key signs as "crm/gateway" and may claim nothing but role
// "partner" with subject "partner:<partner id>"; every other issuer (customers: customer and
// staff tokens) may not claim role "service". The verifier enforces this binding, so a stolen or
// misused service or gateway key cannot act as an admin or as a customer.
inline constexpr absl::string_view kServiceIssuerPrefix = "crm/svc/";
inline constexpr absl::string_view kServiceRole = "service";
inline constexpr absl::string_view kServiceSubjectPrefix = "svc:";
inline constexpr absl::string_view kGatewayIssuer = "crm/gateway";
inline constexpr absl::string_view kPartnerRole = "partner";
inline constexpr absl::string_view kPartnerSubjectPrefix = "partner:";

struct TokenClaims {
  // "sub": the customer or staff id.
  std::string subject;
  // "role": customer, agent, analyst, admin, partner, service.
  std::string role;
  // "iss" and "aud".
  std::string issuer;
  std::string audience;
  // "iat", "nbf", "exp"; nbf defaults to iat.
  absl::Time issued_at;
  absl::Time not_before;
  absl::Time expires_at;
  // "ver": the subject's token version when the token was made.
  int64_t token_version = 0;
  // "sid": the session (login) it belongs to.
  std::string session_id;
};

// A PEM key pair, e.g. for tests and tools that make their own keys.
struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

// A new P-256 (ES256) key pair. Errors: INTERNAL when OpenSSL cannot make one.
absl::StatusOr<KeyPair> NewEs256KeyPair();

struct TokenSignerOptions {
  // "ES256" (default) or "RS256".
  std::string algorithm = "ES256";
  // PEM private key matching the algorithm. Required.
  std::string private_key_pem;
  // Written as "iss". Required.
  std::string issuer;
};

class TokenSigner {
 public:
  // Errors: INVALID_ARGUMENT for an unknown algorithm, a missing issuer or an unusable key.
  static absl::StatusOr<TokenSigner> Create(TokenSignerOptions options);
  // The signed JWT of `claims` (its issuer replaced by the signer's). Errors: INTERNAL.
  absl::StatusOr<std::string> Sign(const TokenClaims& claims) const;

 private:
  TokenSignerOptions options_;
};

struct TokenVerifierOptions {
  // The only algorithm accepted. Default "ES256".
  std::string algorithm = "ES256";
  // Trusted issuers and their PEM public keys, e.g. {"crm/customers": "-----BEGIN PUBLIC..."}.
  std::map<std::string, std::string> issuers;
  // Required in "aud". Required.
  std::string audience;
  // Clock skew tolerated on exp and nbf. Default 30 s.
  absl::Duration leeway = absl::Seconds(30);
};

class TokenVerifier {
 public:
  // Verified tokens are remembered (up to this many, then forgotten all at once) so that a
  // client's repeated calls cost one signature check per token, not one per call: with
  // OpenSSL 3 parsing the key and checking an ES256 signature costs about a millisecond.
  static constexpr size_t kCacheSize = 20000;

  // Errors: INVALID_ARGUMENT for an unknown algorithm, no issuer, or no audience.
  static absl::StatusOr<TokenVerifier> Create(TokenVerifierOptions options);

  // The claims of a token that is well-formed, of the configured algorithm, from a trusted
  // issuer, correctly signed, for our audience, and valid at `now`. Errors: UNAUTHENTICATED
  // with reason TOKEN_INVALID (malformed, wrong algorithm, unknown issuer, bad signature,
  // wrong audience, claims missing, a role or subject its issuer may not claim) or TOKEN_EXPIRED or
  // TOKEN_NOT_YET_VALID. The message says which, never echoing the token. A token seen before (byte
  // for byte) skips the signature check; its times are checked against `now` again.
  absl::StatusOr<TokenClaims> Verify(absl::string_view token, absl::Time now) const;

 private:
  struct Cache;
  // The signature and claim checks of a token not in the cache; no time checks.
  absl::StatusOr<TokenClaims> VerifyUncached(absl::string_view token) const;
  absl::Status CheckTimes(const TokenClaims& claims, absl::Time now) const;

  TokenVerifierOptions options_;
  // Shared by copies of the verifier.
  std::shared_ptr<Cache> cache_;
};

// The verifier for "issuer=path,issuer=path" public key files; nullptr when `keys` is empty.
// Errors: INVALID_ARGUMENT for a malformed list, NOT_FOUND for a missing file.
absl::StatusOr<std::unique_ptr<TokenVerifier>> LoadTokenVerifier(const std::string& keys,
                                                                 const std::string& audience,
                                                                 const std::string& algorithm);

}  // namespace crm::platform
