#include "gateway/auth/partner_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "platform/base/errors.h"

namespace crm::gateway {
namespace {

constexpr size_t kMaxPartnerId = 64;
constexpr size_t kMaxTimestamp = 12;
constexpr size_t kMacBytes = 32;

// The one value of `header`, or the refusal: absent, or sent more than once.
absl::StatusOr<absl::string_view> OneValue(const HttpRequest& request, const char* header) {
  auto [first, last] = request.equal_range(header);
  if (first == last) {
    return SignatureRefused(kReasonSignatureMissing, header,
                            "is required on this route (a signed request)");
  }
  if (std::next(first) != last)
    return SignatureRefused(kReasonSignatureInvalid, header, "is sent more than once");
  return absl::string_view(first->value().data(), first->value().size());
}

bool All(absl::string_view value, bool (*allowed)(char)) {
  for (char c : value) {
    if (!allowed(c)) return false;
  }
  return true;
}

bool PartnerIdChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-'; }
bool DigitChar(char c) { return absl::ascii_isdigit(c); }
bool HexChar(char c) { return absl::ascii_isxdigit(c); }
bool Base64Char(char c) { return absl::ascii_isalnum(c) || c == '+' || c == '/'; }

// 64 hex digits, or standard base64 (padded or not) of 32 bytes; "" for anything else.
std::string DecodeSignature(absl::string_view text) {
  if (text.size() == 2 * kMacBytes && All(text, HexChar)) return absl::HexStringToBytes(text);
  absl::string_view unpadded = text;
  while (absl::ConsumeSuffix(&unpadded, "=")) {
  }
  std::string bytes;
  if (unpadded.size() != 43 || text.size() - unpadded.size() > 1 || !All(unpadded, Base64Char) ||
      !absl::Base64Unescape(unpadded, &bytes) || bytes.size() != kMacBytes) {
    return "";
  }
  return bytes;
}

std::string Mac(absl::string_view secret, absl::string_view canonical) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

}  // namespace

absl::Status SignatureRefused(absl::string_view reason, const char* header, absl::string_view why) {
  return platform::Error(absl::StatusCode::kUnauthenticated, reason,
                         absl::StrCat("the ", header, " header ", why),
                         {{header, std::string(why)}});
}

absl::StatusOr<SignedRequest> ReadSignedRequest(const HttpRequest& request) {
  auto partner = OneValue(request, kPartnerIdHeader);
  if (!partner.ok()) return partner.status();
  auto timestamp = OneValue(request, kTimestampHeader);
  if (!timestamp.ok()) return timestamp.status();
  auto signature = OneValue(request, kSignatureHeader);
  if (!signature.ok()) return signature.status();

  SignedRequest out;
  if (partner->empty() || partner->size() > kMaxPartnerId || !All(*partner, PartnerIdChar)) {
    return SignatureRefused(kReasonSignatureInvalid, kPartnerIdHeader,
                            "must be 1 to 64 letters, digits, '.', '_' or '-'");
  }
  out.partner_id = std::string(*partner);
  if (timestamp->empty() || timestamp->size() > kMaxTimestamp || !All(*timestamp, DigitChar) ||
      !absl::SimpleAtoi(*timestamp, &out.unix_seconds)) {
    return SignatureRefused(kReasonSignatureInvalid, kTimestampHeader,
                            "must be Unix seconds (digits only)");
  }
  out.timestamp = std::string(*timestamp);
  out.signature = DecodeSignature(*signature);
  if (out.signature.empty()) {
    return SignatureRefused(kReasonSignatureInvalid, kSignatureHeader,
                            "must be the HMAC-SHA256 as 64 hex digits or in base64");
  }
  return out;
}

std::string CanonicalRequest(absl::string_view method, absl::string_view target,
                             absl::string_view timestamp, absl::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  return absl::StrCat(method, "\n", target, "\n", timestamp, "\n",
                      absl::BytesToHexString(
                          absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest)));
}

std::string SignRequest(absl::string_view secret, absl::string_view canonical) {
  return absl::BytesToHexString(Mac(secret, canonical));
}

bool SignatureMatches(absl::string_view secret, absl::string_view canonical,
                      absl::string_view signature) {
  std::string expected = Mac(secret, canonical);
  return signature.size() == expected.size() &&
         CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace crm::gateway
