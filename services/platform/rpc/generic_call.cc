#include "platform/rpc/generic_call.h"

#include <grpcpp/completion_queue.h>
#include <grpcpp/support/byte_buffer.h>

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
                 const std::string& request, absl::Duration timeout, const CallMetadata& metadata) {
  // A completion queue of its own rather than CallRawAsync: here the context, queue and channel
  // all outlive the call. Health probes in a loop, each on a short-lived channel, made gRPC 1.51
  // abort now and then ("ref_counted.h: prior > 0") through the callback path.
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [name, value] : metadata) context.AddMetadata(name, value);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::CompletionQueue queue;
  RawReply reply;
  auto call = stub.PrepareUnaryCall(&context, method, in, &queue);
  call->StartCall();
  call->Finish(&out, &reply.status, &queue);
  void* tag = nullptr;
  bool ok = false;
  queue.Next(&tag, &ok);
  if (reply.status.ok()) {
    std::vector<grpc::Slice> slices;
    (void)out.Dump(&slices);
    for (const auto& s : slices)
      reply.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return reply;
}

}  // namespace crm::platform
