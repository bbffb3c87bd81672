#include "platform/rpc/health_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "platform/rpc/generic_call.h"

namespace crm::platform {

absl::StatusOr<bool> CheckHealth(const std::string& address, absl::Duration timeout) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  // HealthCheckRequest{service: ""} encodes to zero bytes.
  RawReply reply = CallRaw(channel, "/grpc.health.v1.Health/Check", "", timeout, {});
  if (!reply.status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(reply.status.error_code()),
                        absl::StrCat(address, ": ", reply.status.error_message()));
  }
  // HealthCheckResponse{status = 1 (SERVING)} is field 1, varint: 0x08 0x01.
  return reply.bytes == std::string("\x08\x01", 2);
}

}  // namespace crm::platform
