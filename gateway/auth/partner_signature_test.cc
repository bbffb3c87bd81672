#include "gateway/auth/partner_signature.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"

namespace crm::gateway {
namespace {

constexpr char kSecret[] = "partner-secret-0123456789abcdef0123";
constexpr char kBody[] = R"({"events":[]})";
constexpr char kTarget[] = "/v1/partners/dhl/tracking-events?dryRun=true";
// What `printf '%s' "$canonical" | openssl dgst -sha256 -hmac "$secret"` makes of it.
constexpr char kHex[] = "c16fff7d51b0bc37f447f546344e9a033c6eee95e2c8f186f0ffbbf2a6faadf7";
constexpr char kBase64[] = "wW//fVGwvDf0R/VGNE6aAzxu7pXiyPGG8P+78qb6rfc=";

HttpRequest Signed(const std::string& partner, const std::string& timestamp,
                   const std::string& signature) {
  HttpRequest request(boost::beast::http::verb::post, kTarget, 11);
  if (!partner.empty()) request.set("X-Partner-Id", partner);
  if (!timestamp.empty()) request.set("X-Timestamp", timestamp);
  if (!signature.empty()) request.set("X-Signature", signature);
  request.body() = kBody;
  return request;
}

// The refusal's reason and the header its one field violation names.
std::pair<std::string, std::string> Refusal(const absl::StatusOr<SignedRequest>& read) {
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == absl::StatusCode::kUnauthenticated);
  api::v1::ErrorDetails details = platform::DetailsOf(read.status());
  REQUIRE(details.field_violations_size() == 1);
  return {details.reason(), details.field_violations(0).field()};
}

TEST_CASE("the canonical request and its HMAC, as openssl computes them", "[partner]") {
  std::string canonical = CanonicalRequest("POST", kTarget, "1767225600", kBody);
  CHECK(canonical ==
        absl::StrCat("POST\n", kTarget, "\n1767225600\n",
                     "24de1c4a19c43ad41b013f13dcd858c17b0daa7f33a53f19913e5b11366d1c2e"));
  // No body: the SHA-256 of nothing.
  CHECK(CanonicalRequest("GET", "/v1/x", "1", "") ==
        "GET\n/v1/x\n1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(SignRequest(kSecret, canonical) == kHex);
  CHECK(SignatureMatches(kSecret, canonical, absl::HexStringToBytes(kHex)));
  CHECK_FALSE(SignatureMatches("another secret", canonical, absl::HexStringToBytes(kHex)));
  CHECK_FALSE(SignatureMatches(kSecret, canonical + " ", absl::HexStringToBytes(kHex)));
  CHECK_FALSE(SignatureMatches(kSecret, canonical, absl::HexStringToBytes(kHex).substr(1)));
}

TEST_CASE("a signature is read as hex in either case or as base64", "[partner]") {
  for (std::string signature : {std::string(kHex), absl::AsciiStrToUpper(kHex),
                                std::string(kBase64), std::string(kBase64).substr(0, 43)}) {
    INFO(signature);
    auto read = ReadSignedRequest(Signed("dhl", "1767225600", signature));
    REQUIRE(read.ok());
    CHECK(read->partner_id == "dhl");
    CHECK(read->timestamp == "1767225600");
    CHECK(read->unix_seconds == 1767225600);
    CHECK(read->signature == absl::HexStringToBytes(kHex));
  }
}

TEST_CASE("a missing signed-request header is named", "[partner]") {
  CHECK(Refusal(ReadSignedRequest(Signed("", "1767225600", kHex))) ==
        std::pair<std::string, std::string>{"SIGNATURE_MISSING", "X-Partner-Id"});
  CHECK(Refusal(ReadSignedRequest(Signed("dhl", "", kHex))) ==
        std::pair<std::string, std::string>{"SIGNATURE_MISSING", "X-Timestamp"});
  CHECK(Refusal(ReadSignedRequest(Signed("dhl", "1767225600", ""))) ==
        std::pair<std::string, std::string>{"SIGNATURE_MISSING", "X-Signature"});
}

TEST_CASE("every header byte is checked: a malformed value is named, never echoed", "[partner]") {
  struct Bad {
    std::string partner, timestamp, signature, header;
  };
  std::vector<Bad> bad = {
      {"dhl/1", "1767225600", kHex, "X-Partner-Id"},
      {"dhl 1", "1767225600", kHex, "X-Partner-Id"},
      {std::string(65, 'a'), "1767225600", kHex, "X-Partner-Id"},
      {"dh\xc3\xa9", "1767225600", kHex, "X-Partner-Id"},
      {"dhl", "-1767225600", kHex, "X-Timestamp"},
      {"dhl", "+1767225600", kHex, "X-Timestamp"},
      {"dhl", "1767225600.5", kHex, "X-Timestamp"},
      {"dhl", "1234567890123", kHex, "X-Timestamp"},
      {"dhl", "1767225600", std::string(kHex).substr(2), "X-Signature"},
      {"dhl", "1767225600", std::string(kHex) + "00", "X-Signature"},
      {"dhl", "1767225600", std::string(kHex).replace(0, 1, "g"), "X-Signature"},
      {"dhl", "1767225600", std::string(kBase64) + "=", "X-Signature"},
      {"dhl", "1767225600", std::string(kBase64).replace(0, 1, "-"), "X-Signature"},
      {"dhl", "1767225600", "sha256=" + std::string(kHex), "X-Signature"},
  };
  for (int byte = 0; byte < 256; ++byte) {
    if (absl::ascii_isalnum(static_cast<char>(byte)) || byte == '.' || byte == '_' || byte == '-') {
      continue;
    }
    bad.push_back({absl::StrCat("d", std::string(1, static_cast<char>(byte)), "l"), "1767225600",
                   kHex, "X-Partner-Id"});
  }
  for (const Bad& b : bad) {
    INFO(b.header << ": " << absl::CEscape(b.partner) << " " << b.timestamp << " " << b.signature);
    auto read = ReadSignedRequest(Signed(b.partner, b.timestamp, b.signature));
    CHECK(Refusal(read) == std::pair<std::string, std::string>{"SIGNATURE_INVALID", b.header});
    CHECK(read.status().message().find(b.partner) == absl::string_view::npos);
  }
}

TEST_CASE("a header sent twice is refused", "[partner]") {
  for (const char* header : {"X-Partner-Id", "X-Timestamp", "X-Signature"}) {
    HttpRequest request = Signed("dhl", "1767225600", kHex);
    request.insert(header, request[header]);
    INFO(header);
    CHECK(Refusal(ReadSignedRequest(request)) ==
          std::pair<std::string, std::string>{"SIGNATURE_INVALID", header});
  }
}

}  // namespace
}  // namespace crm::gateway
