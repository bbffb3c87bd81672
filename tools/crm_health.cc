// crm-health: asks a service for its grpc.health.v1 status; used by `crm up` and `crm status`.
//
//   crm-health 127.0.0.1:50051 [timeout-ms]   -> prints SERVING / NOT_SERVING / UNREACHABLE
//
// Exit code 0 only when SERVING.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "platform/rpc/health_client.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: crm-health <host:port> [timeout-ms]\n");
    return 2;
  }
  long timeout_ms = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 1000;
  auto serving = crm::platform::CheckHealth(argv[1], absl::Milliseconds(timeout_ms));
  if (!serving.ok()) {
    std::printf("UNREACHABLE\n");
    return 1;
  }
  std::printf(*serving ? "SERVING\n" : "NOT_SERVING\n");
  return *serving ? 0 : 1;
}
