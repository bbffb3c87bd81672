#include "platform/runtime/pooled_write.h"

#include <google/protobuf/message.h>

#include <memory>
#include <string>

#include "platform/base/errors.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::platform {

void RunPooledWrite(const PooledWrite& call, const google::protobuf::Message& request,
                    google::protobuf::Message* response,
                    std::function<absl::Status(const Idempotency::Claim&)> write) {
  grpc::ServerUnaryReactor* reactor = call.reactor;
  auto claim =
      call.idempotency.Begin(call.rc.caller, call.method, call.rc.idempotency_key, request);
  if (!claim.ok()) {
    reactor->Finish(ToGrpcStatus(claim.status()));
    return;
  }
  // A retry is answered from the stored response at once: it needs no room on the pool.
  auto replayed = call.idempotency.Peek(*claim, response);
  if (!replayed.ok() || *replayed) {
    claim->Release();
    reactor->Finish(ToGrpcStatus(replayed.status()));
    return;
  }
  auto shared_claim = std::make_shared<Idempotency::Claim>(std::move(*claim));
  grpc::CallbackServerContext* context = call.context;
  std::string request_id = call.rc.request_id;
  std::string method(call.method);
  bool queued = call.workers.Submit(
      [context, reactor, shared_claim, request_id, method, write = std::move(write)] {
        // A caller that gave up (or a server shutting down) gets nothing written behind its back.
        if (context->IsCancelled()) {
          shared_claim->Release();
          reactor->Finish(grpc::Status::CANCELLED);
          return;
        }
        absl::Status status = write(*shared_claim);
        // Released before the answer leaves: a client may retry the moment it has it.
        shared_claim->Release();
        if (status.code() == absl::StatusCode::kInternal) {
          LogError("write failed",
                   {{"method", method}, {"requestId", request_id}, {"error", status.ToString()}});
        }
        reactor->Finish(ToGrpcStatus(status));
      });
  if (!queued) reactor->Finish(ToGrpcStatus(Overloaded(call.what)));
}

absl::Status RunIdempotentWrite(const IdempotentWrite& call,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response,
                                const std::function<absl::Status(Txn&)>& write) {
  auto claim =
      call.idempotency.Begin(call.rc.caller, call.method, call.rc.idempotency_key, request);
  if (!claim.ok()) return claim.status();
  auto status = [&]() -> absl::Status {
    auto txn = call.store.Begin();
    auto replayed = call.idempotency.Lookup(*txn, *claim, response);
    if (!replayed.ok() || *replayed) return replayed.status();
    if (absl::Status s = write(*txn); !s.ok()) return s;
    if (absl::Status s = call.idempotency.Record(*txn, *claim, *response); !s.ok()) return s;
    return txn->Commit();
  }();
  claim->Release();
  if (status.code() == absl::StatusCode::kInternal) {
    LogError("write failed", {{"method", std::string(call.method)},
                              {"requestId", call.rc.request_id},
                              {"error", status.ToString()}});
  }
  return status;
}

}  // namespace crm::platform
