// Partner signatures (gateway/auth/partner_signature.h): the three headers of a signed request
// read from any bytes, and the signature made over any body checked.
//
// Input: "<X-Partner-Id>\n<X-Timestamp>\n<X-Signature>\n<body>" (missing lines: headers not
// sent). Checked besides "no crash":
//   - a refusal is UNAUTHENTICATED, SIGNATURE_MISSING or SIGNATURE_INVALID, with one field
//     violation naming one of the three headers, and a short printable message that never echoes
//     a header's value;
//   - headers that are read give back the partner id as sent and a 32-byte signature;
//   - with the input's id and timestamp, a signature made over the body (hex, as partners send
//     it) is read and matches, and no longer matches once the body or the target changes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "gateway/auth/partner_signature.h"
#include "platform/base/errors.h"

namespace {

using namespace crm::gateway;

HttpRequest RequestWith(const std::vector<std::string>& values) {
  HttpRequest request;
  request.method(boost::beast::http::verb::post);
  request.target("/v1/partners/p/tracking-events");
  const char* names[] = {kPartnerIdHeader, kTimestampHeader, kSignatureHeader};
  for (size_t i = 0; i < 3 && i < values.size(); ++i) request.set(names[i], values[i]);
  return request;
}

void CheckRefusal(const absl::Status& status, const std::vector<std::string>& values) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kUnauthenticated, "a refusal is not a 401");
  auto details = crm::platform::DetailsOf(status);
  FUZZ_CHECK(
      details.reason() == kReasonSignatureMissing || details.reason() == kReasonSignatureInvalid,
      "a refusal of another reason");
  FUZZ_CHECK(details.field_violations_size() == 1, "a refusal without its one header");
  const std::string& field = details.field_violations(0).field();
  FUZZ_CHECK(field == kPartnerIdHeader || field == kTimestampHeader || field == kSignatureHeader,
             "a refusal naming no signature header");
  // Fixed text only: short, printable, and without any value that could not be part of it (a
  // value made of words may happen to be a piece of the fixed text).
  FUZZ_CHECK(status.message().size() <= 300, "a refusal's message is not bounded");
  for (char c : status.message()) {
    FUZZ_CHECK(c >= 0x20 && c < 0x7f, "a refusal's message holds a byte that is not printable");
  }
  for (const std::string& value : values) {
    bool wordlike =
        value.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.'-_:()") ==
        std::string::npos;
    if (value.size() >= 8 && !wordlike) {
      FUZZ_CHECK(status.message().find(value) == absl::string_view::npos,
                 "a refusal echoes a header's value");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (crm::fuzz::QuietLogs(), true);
  (void)quiet;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = absl::StrSplit(input, absl::MaxSplits('\n', 3));
  std::string body = parts.size() == 4 ? parts[3] : "";
  std::vector<std::string> headers(parts.begin(),
                                   parts.begin() + std::min<size_t>(parts.size(), 3));
  for (std::string& h : headers) {
    // A header value never holds CR or NUL on the wire (the HTTP parser stops there).
    h.erase(std::remove_if(h.begin(), h.end(), [](char c) { return c == '\r' || c == '\0'; }),
            h.end());
  }

  auto read = ReadSignedRequest(RequestWith(headers));
  if (!read.ok()) {
    CheckRefusal(read.status(), headers);
  } else {
    // As sent, without the optional whitespace around a header value (RFC 9110).
    absl::string_view sent = headers[0];
    while (!sent.empty() && (sent.front() == ' ' || sent.front() == '\t')) sent.remove_prefix(1);
    while (!sent.empty() && (sent.back() == ' ' || sent.back() == '\t')) sent.remove_suffix(1);
    FUZZ_CHECK(read->partner_id == sent, "the partner id read is not the one sent");
    FUZZ_CHECK(read->signature.size() == 32, "a signature read is not 32 bytes");
  }

  if (headers.size() < 2) return 0;
  const std::string secret = "fuzz-partner-secret";
  const std::string target = absl::StrCat("/v1/partners/", headers[0], "/tracking-events");
  const std::string canonical = CanonicalRequest("POST", target, headers[1], body);
  std::vector<std::string> signed_headers = {headers[0], headers[1],
                                             SignRequest(secret, canonical)};
  auto signed_read = ReadSignedRequest(RequestWith(signed_headers));
  if (!signed_read.ok()) {
    // Only a bad id or timestamp can refuse what was signed right.
    CheckRefusal(signed_read.status(), signed_headers);
    auto field = crm::platform::DetailsOf(signed_read.status()).field_violations(0).field();
    FUZZ_CHECK(field != kSignatureHeader, "a signature made by SignRequest is refused");
    return 0;
  }
  FUZZ_CHECK(SignatureMatches(secret, canonical, signed_read->signature),
             "a signature does not match what it was made over");
  FUZZ_CHECK(!SignatureMatches(secret, CanonicalRequest("POST", target, headers[1], body + "x"),
                               signed_read->signature),
             "a signature matches another body");
  FUZZ_CHECK(!SignatureMatches(secret, CanonicalRequest("POST", target + "?x", headers[1], body),
                               signed_read->signature),
             "a signature matches another target");
  FUZZ_CHECK(!SignatureMatches("another-secret", canonical, signed_read->signature),
             "a signature matches another secret");
  return 0;
}
