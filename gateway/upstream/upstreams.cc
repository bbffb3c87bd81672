#include "gateway/upstream/upstreams.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace crm::gateway {

Upstreams::Upstreams(const std::map<std::string, std::string>& addresses, int channels) {
  for (const auto& [area, address] : addresses) {
    for (int i = 0; i < std::max(1, channels); ++i) {
      grpc::ChannelArguments args;
      // Retry connecting soon after a service comes back, so its routes recover quickly.
      args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
      args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
      // Services bound their errors far below this (platform::ToGrpcStatus); the headroom
      // keeps an unexpectedly large answer a 502, never gRPC's RESOURCE_EXHAUSTED (a 429 that
      // clients would retry forever).
      args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 64 << 10);
      // Different arguments make different channels, each with its own connection.
      args.SetInt("crm.channel_index", i);
      stubs_[area].push_back(std::make_unique<grpc::GenericStub>(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
    }
  }
}

void Upstreams::Call(const std::string& area, const std::string& method, std::string request,
                     absl::Duration deadline, const platform::CallMetadata& metadata,
                     std::function<void(platform::RawReply)> done) {
  const auto& stubs = stubs_.at(area);
  platform::CallRawAsync(*stubs[next_.fetch_add(1, std::memory_order_relaxed) % stubs.size()],
                         method, std::move(request), deadline, metadata, std::move(done));
}

}  // namespace crm::gateway
