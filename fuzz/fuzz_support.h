// What the fuzz targets share: the real route table, a fresh ES256 key pair, a JWT signed over
// exact header and payload bytes (so a target can fuzz the claims behind a valid signature), quiet
// logs, and a check that aborts (a crash libFuzzer keeps) whatever NDEBUG says.
//
//   FUZZ_CHECK(value.size() < 10, "value too long");
//   fuzz::KeyPair keys = fuzz::NewEs256Keys();
//   std::string token = fuzz::SignEs256(keys.private_pem, R"({"alg":"ES256"})", R"({"sub":"x"})");
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/routing/route_table.h"
#include "platform/auth/tokens.h"

namespace crm::fuzz {

using platform::KeyPair;

// A new P-256 key pair as PEM. Aborts if OpenSSL cannot make one.
KeyPair NewEs256Keys();

// The gateway's route table from every service compiled in, built once (logs quieted). Aborts if
// it does not build.
const gateway::RouteTable& RealRoutes();

// "<b64url(header)>.<b64url(payload)>.<b64url(r||s)>", the ES256 signature over exactly these
// bytes (whatever they are: JSON or not). Aborts if the key cannot sign.
std::string SignEs256(const std::string& private_pem, absl::string_view header,
                      absl::string_view payload);

// Only errors are logged, and nothing from protobuf: a line per input costs more than the input.
void QuietLogs();

// Prints `what` and aborts: libFuzzer records the input as a crash.
[[noreturn]] void Fail(const char* file, int line, absl::string_view what);

}  // namespace crm::fuzz

#define FUZZ_CHECK(condition, what)                                  \
  do {                                                               \
    if (!(condition)) ::crm::fuzz::Fail(__FILE__, __LINE__, (what)); \
  } while (false)
