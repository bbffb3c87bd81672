// Asks a gRPC server for its grpc.health.v1 status, without a generated stub (Debian ships no
// C++ stub for health.proto; the messages are one field each, so they are encoded by hand).
//
//   absl::StatusOr<bool> serving = CheckHealth("127.0.0.1:50051", absl::Seconds(1));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::platform {

// True when the server answers SERVING for the whole server (service ""), false for any other
// answer. Errors: UNAVAILABLE (and other gRPC codes) when it does not answer within `timeout`.
absl::StatusOr<bool> CheckHealth(const std::string& address, absl::Duration timeout);

}  // namespace crm::platform
