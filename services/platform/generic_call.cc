#include "generic_call.h"

#include <grpcpp/support/byte_buffer.h>

#include "absl/synchronization/notification.h"

namespace crm::platform {
namespace {

// What one call needs alive until its completion has run.
struct PendingCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer reply;
  std::function<void(RawReply)> done;
};

}  // namespace

void CallRawAsync(grpc::GenericStub& stub, const std::string& method, std::string request,
                  absl::Duration timeout, const CallMetadata& metadata,
                  std::function<void(RawReply)> done) {
  auto call = std::make_shared<PendingCall>();
  call->done = std::move(done);
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [name, value] : metadata) call->context.AddMetadata(name, value);
  grpc::Slice slice(std::move(request));  // an empty message is one empty slice, never no buffer
  call->request = grpc::ByteBuffer(&slice, 1);
  stub.UnaryCall(&call->context, method, grpc::StubOptions(), &call->request, &call->reply,
                 [call](grpc::Status status) {
                   RawReply reply{std::move(status), {}};
                   if (reply.status.ok()) {
                     std::vector<grpc::Slice> slices;
                     (void)call->reply.Dump(&slices);
                     for (const auto& s : slices) {
                       reply.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
                     }
                   }
                   call->done(std::move(reply));
                 });
}

RawReply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                 const std::string& request, absl::Duration timeout,
                 const CallMetadata& metadata) {
  grpc::GenericStub stub(channel);
  RawReply result;
  absl::Notification finished;
  CallRawAsync(stub, method, request, timeout, metadata, [&](RawReply reply) {
    result = std::move(reply);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

}  // namespace crm::platform
