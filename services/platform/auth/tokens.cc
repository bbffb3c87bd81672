#include "platform/auth/tokens.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "platform/base/errors.h"
#include "platform/base/process.h"

namespace crm::platform {
namespace {

using google::protobuf::Struct;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// See kServiceIssuerPrefix: what a service key signs is a service, and nothing else is; what the
// gateway's key signs is a partner, and nothing else.
bool IssuerMayClaim(absl::string_view issuer, const TokenClaims& claims) {
  if (absl::StartsWith(issuer, kServiceIssuerPrefix)) {
    absl::string_view service = issuer.substr(kServiceIssuerPrefix.size());
    return !service.empty() && claims.role == kServiceRole &&
           claims.subject == absl::StrCat(kServiceSubjectPrefix, service);
  }
  if (issuer == kGatewayIssuer) {
    return claims.role == kPartnerRole && claims.subject.size() > kPartnerSubjectPrefix.size() &&
           absl::StartsWith(claims.subject, kPartnerSubjectPrefix);
  }
  // Services and partners get their tokens from their own issuers only.
  return claims.role != kServiceRole && claims.role != kPartnerRole;
}

absl::Status Refused(absl::string_view reason, absl::string_view why) {
  return Error(absl::StatusCode::kUnauthenticated, reason, absl::StrCat("the token ", why));
}

bool AlgorithmOf(absl::string_view name, jwt_alg_t* alg) {
  if (name == "ES256")
    *alg = JWT_ALG_ES256;
  else if (name == "RS256")
    *alg = JWT_ALG_RS256;
  else
    return false;
  return true;
}

// A JWT segment (base64url, unpadded) as a JSON object.
bool DecodeSegment(absl::string_view segment, Struct* out) {
  std::string json;
  if (!absl::WebSafeBase64Unescape(segment, &json)) return false;
  return google::protobuf::util::JsonStringToMessage(json, out).ok();
}

const google::protobuf::Value* FieldOf(const Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string StringField(const Struct& s, const std::string& name) {
  const auto* v = FieldOf(s, name);
  return v && v->kind_case() == google::protobuf::Value::kStringValue ? v->string_value() : "";
}

bool NumberField(const Struct& s, const std::string& name, int64_t* out) {
  const auto* v = FieldOf(s, name);
  if (!v || v->kind_case() != google::protobuf::Value::kNumberValue) return false;
  double n = v->number_value();
  // Seconds up to the year 10000 and small versions; anything else (NaN, huge) is malformed,
  // and casting it would be undefined.
  if (!(n >= -1e12 && n <= 1e12)) return false;
  *out = static_cast<int64_t>(n);
  return true;
}

bool HasAudience(const Struct& payload, const std::string& audience) {
  const auto* aud = FieldOf(payload, "aud");
  if (!aud) return false;
  if (aud->kind_case() == google::protobuf::Value::kStringValue) {
    return aud->string_value() == audience;
  }
  if (aud->kind_case() == google::protobuf::Value::kListValue) {
    for (const auto& v : aud->list_value().values()) {
      if (v.string_value() == audience) return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<TokenSigner> TokenSigner::Create(TokenSignerOptions options) {
  jwt_alg_t alg = JWT_ALG_NONE;
  if (!AlgorithmOf(options.algorithm, &alg)) {
    return absl::InvalidArgumentError(
        absl::StrCat("token algorithm ", options.algorithm, " is not ES256 or RS256"));
  }
  if (options.issuer.empty()) return absl::InvalidArgumentError("token issuer is empty");
  TokenSigner signer;
  signer.options_ = std::move(options);
  // Signing once proves the key fits the algorithm, at start rather than at the first login.
  if (!signer.Sign({.subject = "probe", .expires_at = absl::UnixEpoch()}).ok()) {
    return absl::InvalidArgumentError("the token signing key does not fit the algorithm");
  }
  return signer;
}

absl::StatusOr<std::string> TokenSigner::Sign(const TokenClaims& claims) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  jwt_alg_t alg = JWT_ALG_NONE;
  AlgorithmOf(options_.algorithm, &alg);
  const auto* key = reinterpret_cast<const unsigned char*>(options_.private_key_pem.data());
  bool ok =
      jwt_set_alg(jwt.get(), alg, key, static_cast<int>(options_.private_key_pem.size())) == 0;
  ok = ok && jwt_add_grant(jwt.get(), "iss", options_.issuer.c_str()) == 0;
  ok = ok && jwt_add_grant(jwt.get(), "sub", claims.subject.c_str()) == 0;
  if (!claims.audience.empty())
    ok = ok && jwt_add_grant(jwt.get(), "aud", claims.audience.c_str()) == 0;
  if (!claims.role.empty()) ok = ok && jwt_add_grant(jwt.get(), "role", claims.role.c_str()) == 0;
  if (!claims.session_id.empty()) {
    ok = ok && jwt_add_grant(jwt.get(), "sid", claims.session_id.c_str()) == 0;
  }
  ok = ok && jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(claims.issued_at)) == 0;
  ok = ok && jwt_add_grant_int(jwt.get(), "nbf", absl::ToUnixSeconds(claims.not_before)) == 0;
  ok = ok && jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.expires_at)) == 0;
  ok = ok && jwt_add_grant_int(jwt.get(), "ver", claims.token_version) == 0;
  if (!ok) return absl::InternalError("the token could not be built");
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("the token could not be signed");
  std::string token(encoded);
  free(encoded);  // libjwt 1.10 allocates it with malloc and has no jwt_free_str
  return token;
}

absl::StatusOr<TokenVerifier> TokenVerifier::Create(TokenVerifierOptions options) {
  jwt_alg_t alg = JWT_ALG_NONE;
  if (!AlgorithmOf(options.algorithm, &alg)) {
    return absl::InvalidArgumentError(
        absl::StrCat("token algorithm ", options.algorithm, " is not ES256 or RS256"));
  }
  if (options.issuers.empty()) return absl::InvalidArgumentError("no trusted token issuer");
  if (options.audience.empty()) return absl::InvalidArgumentError("no token audience");
  TokenVerifier verifier;
  verifier.options_ = std::move(options);
  verifier.cache_ = std::make_shared<Cache>();
  return verifier;
}

struct TokenVerifier::Cache {
  absl::Mutex mu;
  absl::flat_hash_map<std::string, TokenClaims> verified ABSL_GUARDED_BY(mu);
};

absl::StatusOr<TokenClaims> TokenVerifier::Verify(absl::string_view token, absl::Time now) const {
  std::optional<TokenClaims> cached;
  {
    absl::MutexLock lock(&cache_->mu);
    auto it = cache_->verified.find(token);
    if (it != cache_->verified.end()) cached = it->second;
  }
  if (!cached) {
    auto claims = VerifyUncached(token);
    if (!claims.ok()) return claims.status();
    absl::MutexLock lock(&cache_->mu);
    if (cache_->verified.size() >= kCacheSize) cache_->verified.clear();
    cache_->verified.emplace(std::string(token), *claims);
    cached = std::move(*claims);
  }
  if (absl::Status s = CheckTimes(*cached, now); !s.ok()) return s;
  return *cached;
}

absl::Status TokenVerifier::CheckTimes(const TokenClaims& claims, absl::Time now) const {
  if (now >= claims.expires_at + options_.leeway)
    return Refused(kReasonTokenExpired, "has expired");
  if (now + options_.leeway < claims.not_before) {
    return Refused("TOKEN_NOT_YET_VALID", "is not valid yet");
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenClaims> TokenVerifier::VerifyUncached(absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  Struct header, payload;
  if (parts.size() != 3 || !DecodeSegment(parts[0], &header) ||
      !DecodeSegment(parts[1], &payload)) {
    return Refused(kReasonTokenInvalid, "is malformed");
  }
  // Before anything else: only the configured algorithm. This is what stops "none" and
  // HS256-with-the-public-key, which libjwt would otherwise verify as the header asks.
  if (StringField(header, "alg") != options_.algorithm) {
    return Refused(kReasonTokenInvalid, "is not signed with the accepted algorithm");
  }
  std::string issuer = StringField(payload, "iss");
  auto key = options_.issuers.find(issuer);
  if (key == options_.issuers.end())
    return Refused(kReasonTokenInvalid, "is from an unknown issuer");

  std::string terminated(token);
  jwt_t* raw = nullptr;
  int decoded = jwt_decode(&raw, terminated.c_str(),
                           reinterpret_cast<const unsigned char*>(key->second.data()),
                           static_cast<int>(key->second.size()));
  JwtPtr jwt(raw);
  jwt_alg_t expected = JWT_ALG_NONE;
  AlgorithmOf(options_.algorithm, &expected);
  if (decoded != 0 || !jwt || jwt_get_alg(jwt.get()) != expected) {
    return Refused(kReasonTokenInvalid, "signature is not valid");
  }

  TokenClaims claims;
  claims.issuer = issuer;
  claims.subject = StringField(payload, "sub");
  claims.role = StringField(payload, "role");
  claims.session_id = StringField(payload, "sid");
  claims.audience = options_.audience;
  int64_t exp = 0, nbf = 0, iat = 0;
  if (claims.subject.empty() || !NumberField(payload, "exp", &exp)) {
    return Refused(kReasonTokenInvalid, "lacks its subject or expiry");
  }
  if (!HasAudience(payload, options_.audience)) {
    return Refused(kReasonTokenInvalid, "is not meant for this audience");
  }
  if (!IssuerMayClaim(issuer, claims)) {
    return Refused(kReasonTokenInvalid, "claims a role or subject its issuer may not grant");
  }
  NumberField(payload, "iat", &iat);
  if (!NumberField(payload, "nbf", &nbf)) nbf = iat;
  NumberField(payload, "ver", &claims.token_version);
  claims.issued_at = absl::FromUnixSeconds(iat);
  claims.not_before = absl::FromUnixSeconds(nbf);
  claims.expires_at = absl::FromUnixSeconds(exp);
  return claims;
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> LoadTokenVerifier(const std::string& keys,
                                                                 const std::string& audience,
                                                                 const std::string& algorithm) {
  if (keys.empty()) return std::unique_ptr<TokenVerifier>();
  TokenVerifierOptions options{.algorithm = algorithm, .audience = audience};
  for (absl::string_view item : absl::StrSplit(keys, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token-public-keys: '", item, "' is not issuer=path"));
    }
    auto pem = ReadFile(parts[1]);
    if (!pem.ok()) return pem.status();
    options.issuers[parts[0]] = *pem;
  }
  auto verifier = TokenVerifier::Create(std::move(options));
  if (!verifier.ok()) return verifier.status();
  return std::make_unique<TokenVerifier>(std::move(*verifier));
}

absl::StatusOr<KeyPair> NewEs256KeyPair() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) return absl::InternalError("OpenSSL cannot make a P-256 key");
  auto pem = [&](bool is_private) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (is_private) {
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_bio_PUBKEY(bio, key);
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(size));
    BIO_free(bio);
    return out;
  };
  KeyPair pair{pem(true), pem(false)};
  EVP_PKEY_free(key);
  return pair;
}

}  // namespace crm::platform
