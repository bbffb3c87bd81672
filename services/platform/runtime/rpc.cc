#include "platform/runtime/rpc.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <utility>

#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"

namespace crm::platform {

namespace {

grpc::ServerUnaryReactor* Finish(grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

Rpc::Rpc(AccessControl access, RpcDeps deps) : access_(std::move(access)), deps_(deps) {}

grpc::ServerUnaryReactor* Rpc::Read(
    grpc::CallbackServerContext* context, const google::protobuf::Message& request,
    absl::FunctionRef<absl::Status(const RequestContext& rc)> read) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto rc = access_.Admit(*context, request);
  if (!rc.ok()) return Finish(reactor, rc.status());
  return Finish(reactor, read(*rc));
}

std::optional<std::shared_ptr<Idempotency::Claim>> Rpc::Open(
    grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
    const google::protobuf::Message& request, google::protobuf::Message* response,
    const RpcCheck& check, bool peek, RequestContext* rc) const {
  auto admitted = access_.Admit(*context, request);
  if (!admitted.ok()) {
    Finish(reactor, admitted.status());
    return std::nullopt;
  }
  *rc = *std::move(admitted);
  // Bad input is refused before the key is claimed or anything locked.
  if (check) {
    if (absl::Status s = check(); !s.ok()) {
      Finish(reactor, s);
      return std::nullopt;
    }
  }
  auto claim =
      deps_.idempotency.Begin(rc->caller, rc->method->name(), rc->idempotency_key, request);
  if (!claim.ok()) {
    Finish(reactor, claim.status());
    return std::nullopt;
  }
  if (peek) {
    // A retry is answered from the stored response at once: it needs no room on the pool and
    // makes no call.
    auto replayed = deps_.idempotency.Peek(*claim, response);
    if (!replayed.ok() || *replayed) {
      claim->Release();
      Finish(reactor, replayed.status());
      return std::nullopt;
    }
  }
  return std::make_shared<Idempotency::Claim>(*std::move(claim));
}

absl::Status Rpc::Transact(const grpc::CallbackServerContext& context, const RequestContext& rc,
                           const Idempotency::Claim& claim, google::protobuf::Message* response,
                           const RpcWrite& write) const {
  absl::Status status;
  for (int attempt = 1; attempt <= kRequestAttempts; ++attempt) {
    // A caller that gave up (or a server shutting down) gets nothing written behind its back.
    if (context.IsCancelled()) return absl::CancelledError("the caller cancelled the call");
    response->Clear();
    auto txn = deps_.store.Begin(Durability::kSynced, kRequestLockTimeout);
    status = [&]() -> absl::Status {
      auto replayed = deps_.idempotency.Lookup(*txn, claim, response);
      if (!replayed.ok() || *replayed) return replayed.status();
      absl::Status written = write(*txn, rc);
      if (!written.ok() || txn->committed()) return written;
      if (absl::Status s = deps_.idempotency.Record(*txn, claim, *response); !s.ok()) return s;
      return txn->Commit();
    }();
    // ABORTED is a lock not taken in time (store.h); the transaction rolled back whole.
    if (!absl::IsAborted(status)) break;
  }
  return status;
}

grpc::ServerUnaryReactor* Rpc::Write(grpc::CallbackServerContext* context,
                                     const google::protobuf::Message* request,
                                     google::protobuf::Message* response, WriteSteps steps) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RequestContext rc;
  bool pooled = !steps.pooled.empty();
  auto claim = Open(context, reactor, *request, response, steps.check, pooled, &rc);
  if (!claim) return reactor;
  if (!pooled) {
    absl::Status status = Transact(*context, rc, **claim, response, steps.write);
    // Released before the answer leaves: a client may retry the moment it has it.
    (*claim)->Release();
    return Finish(reactor, status);
  }
  absl::string_view what = steps.pooled;
  bool queued = deps_.workers.Submit([this, context, reactor, response, rc = std::move(rc),
                                      claim = *claim, write = std::move(steps.write)] {
    absl::Status status = Transact(*context, rc, *claim, response, write);
    claim->Release();
    Finish(reactor, status);
  });
  if (!queued) {
    (*claim)->Release();
    Finish(reactor, Overloaded(what));
  }
  return reactor;
}

grpc::ServerUnaryReactor* Rpc::CallThenWrite(grpc::CallbackServerContext* context,
                                             const google::protobuf::Message* request,
                                             google::protobuf::Message* response,
                                             CallThenWriteSteps steps) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RequestContext rc;
  auto claim = Open(context, reactor, *request, response, steps.check, /*peek=*/true, &rc);
  if (!claim) return reactor;
  steps.call(rc, [this, context, reactor, response, rc, claim = *claim,
                  write = std::move(steps.write)](absl::Status called) {
    // The call's callback runs on a gRPC thread that must not block: the commit goes to the pool.
    bool queued = deps_.workers.Submit(
        [this, context, reactor, response, rc, claim, write, called = std::move(called)] {
          absl::Status status =
              Transact(*context, rc, *claim, response,
                       [&](Txn& txn, const RequestContext& rc) { return write(txn, rc, called); });
          claim->Release();
          Finish(reactor, status);
        });
    if (!queued) {
      claim->Release();
      Finish(reactor, Overloaded("the service"));
    }
  });
  return reactor;
}

}  // namespace crm::platform
