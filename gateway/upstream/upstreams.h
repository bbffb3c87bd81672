// The services behind the gateway: one channel and generic stub per area ("customers",
// "orders", ...), and an asynchronous call by method name, so a new RPC needs no gateway code.
//
//   Upstreams upstreams({{"customers", "127.0.0.1:50051"}});
//   upstreams.Call("customers", route.grpc_method, bytes, absl::Seconds(5), metadata,
//                  [](platform::RawReply reply) { ... });   // on a gRPC thread
//
// Thread-safe.
#pragma once

#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "platform/rpc/generic_call.h"

namespace crm::gateway {

class Upstreams {
 public:
  // `addresses`: area -> "host:port". Channels connect lazily and reconnect on their own, so a
  // service that is down at start or later fails only its own calls (UNAVAILABLE: 503).
  // `channels` per service (each its own HTTP/2 connection) spread calls over several
  // transports, whose work is otherwise serialized on one connection. Default 2.
  explicit Upstreams(const std::map<std::string, std::string>& addresses, int channels = 2);
  virtual ~Upstreams() = default;

  bool Has(const std::string& area) const { return stubs_.contains(area); }

  // `area` must be one Has() knows. `done` runs on a gRPC thread and must not block.
  // Virtual only so that a fake can stand in (fuzz/gateway_request_fuzzer.cc).
  virtual void Call(const std::string& area, const std::string& method, std::string request,
                    absl::Duration deadline, const platform::CallMetadata& metadata,
                    std::function<void(platform::RawReply)> done);

 protected:
  // No services: for a fake that overrides Call.
  Upstreams() = default;

 private:
  std::map<std::string, std::vector<std::unique_ptr<grpc::GenericStub>>> stubs_;
  std::atomic<size_t> next_{0};
};

}  // namespace crm::gateway
