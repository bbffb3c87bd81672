// Unary gRPC calls by method name with serialized bytes in and out: no generated stub, so the
// gateway and tools can call any RPC.
//
//   CallRawAsync(stub, "/crm.customers.v1.CustomersService/GetCustomer", bytes,
//                absl::Seconds(5), {{"x-request-id", id}}, [](RawReply reply) { ... });
//   RawReply r = CallRaw(channel, "/grpc.health.v1.Health/Check", "", absl::Seconds(1), {});
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace crm::platform {

using CallMetadata = std::vector<std::pair<std::string, std::string>>;

struct RawReply {
  grpc::Status status;
  // The serialized response message; empty unless status is OK.
  std::string bytes;
};

// Starts the call and returns at once; `done` runs on a gRPC thread when it completes (it must
// not block). `stub` must outlive the call.
void CallRawAsync(grpc::GenericStub& stub, const std::string& method, std::string request,
                  absl::Duration timeout, const CallMetadata& metadata,
                  std::function<void(RawReply)> done);

// The same, waiting for the answer on a completion queue of its own. Blocks its thread: for
// tools and tests, not request paths.
RawReply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                 const std::string& request, absl::Duration timeout, const CallMetadata& metadata);

}  // namespace crm::platform
