// One blocking unary gRPC call by method name with serialized bytes in and out: no generated
// stub, so tools can call any RPC (crm-call, the health probe). Not for request paths: it
// blocks its thread until the answer.
//
//   auto reply = CallRaw(channel, "/grpc.health.v1.Health/Check", "", absl::Seconds(1), {});
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace crm::platform {

struct RawReply {
  grpc::Status status;
  // The serialized response message; empty unless status is OK.
  std::string bytes;
};

RawReply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                 const std::string& request, absl::Duration timeout,
                 const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace crm::platform
