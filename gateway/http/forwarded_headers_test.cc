#include "gateway/http/forwarded_headers.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"

namespace crm::gateway {
namespace {

HttpRequest With(std::initializer_list<std::pair<const char*, std::string>> headers) {
  HttpRequest request;
  for (const auto& [name, value] : headers) request.insert(name, value);
  return request;
}

std::string Named(const std::optional<HttpError>& error) {
  REQUIRE(error.has_value());
  CHECK(error->http_status == 400);
  CHECK(error->details.reason() == "HEADER_INVALID");
  REQUIRE(error->details.field_violations_size() == 1);
  return error->details.field_violations(0).field();
}

TEST_CASE("forwarded headers become metadata of the same lower-case name", "[forwarded]") {
  platform::CallMetadata metadata = {{"x-request-id", "r1"}};
  auto refused = ForwardedMetadata(With({{"Idempotency-Key", "k-1"},
                                         {"If-Match", "\"v3\""},
                                         {"Authorization", "Bearer a.b.c"},
                                         {"Accept", "application/json"}}),
                                   &metadata);
  CHECK_FALSE(refused.has_value());
  CHECK(metadata == platform::CallMetadata{{"x-request-id", "r1"},
                                           {"authorization", "Bearer a.b.c"},
                                           {"idempotency-key", "k-1"},
                                           {"if-match", "\"v3\""}});
}

TEST_CASE("every byte outside printable ASCII is refused, naming the header", "[forwarded]") {
  for (const ForwardedHeader& header : kForwardedHeaders) {
    for (int byte = 0; byte < 256; ++byte) {
      if (byte >= 0x20 && byte <= 0x7e) continue;
      // Beast keeps what it is given; CR and LF cannot reach here through its parser, but a
      // value holding them must still be refused.
      std::string value = absl::StrCat("a", std::string(1, static_cast<char>(byte)), "b");
      platform::CallMetadata metadata;
      INFO(header.name << " byte " << byte);
      CHECK(Named(ForwardedMetadata(With({{header.name, value}}), &metadata)) == header.name);
      CHECK(metadata.empty());
    }
  }
  platform::CallMetadata metadata;
  CHECK(Named(ForwardedMetadata(With({{"Idempotency-Key", "\xc3\xa9"}}), &metadata)) ==
        "Idempotency-Key");
}

TEST_CASE("PrintableAscii accepts 0x20..0x7E only", "[forwarded]") {
  CHECK(PrintableAscii("v3 \"~"));
  CHECK(PrintableAscii(""));
  CHECK_FALSE(PrintableAscii("v3\r\nSet-Cookie: x"));
  CHECK_FALSE(PrintableAscii("\x7f"));
  CHECK_FALSE(PrintableAscii("\xc3\xa9"));
}

TEST_CASE("over-long and repeated forwarded headers are refused", "[forwarded]") {
  platform::CallMetadata metadata;
  CHECK(Named(ForwardedMetadata(With({{"tracestate", std::string(513, 'a')}}), &metadata)) ==
        "tracestate");
  CHECK(Named(ForwardedMetadata(With({{"Idempotency-Key", "a"}, {"idempotency-key", "b"}}),
                                &metadata)) == "Idempotency-Key");
  CHECK_FALSE(ForwardedMetadata(With({{"Idempotency-Key", std::string(255, 'k')}}), &metadata));
  CHECK(metadata.size() == 1);
}

}  // namespace
}  // namespace crm::gateway
