#include "generic_call.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/synchronization/notification.h"

namespace crm::platform {

RawReply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                 const std::string& request, absl::Duration timeout,
                 const std::vector<std::pair<std::string, std::string>>& metadata) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [name, value] : metadata) context.AddMetadata(name, value);
  grpc::Slice slice(request);  // an empty message is one empty slice, never no buffer
  grpc::ByteBuffer in(&slice, 1), out;
  RawReply reply;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
    reply.status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  if (reply.status.ok()) {
    std::vector<grpc::Slice> slices;
    (void)out.Dump(&slices);
    for (const auto& s : slices) reply.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return reply;
}

}  // namespace crm::platform
