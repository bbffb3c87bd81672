// The one way a service's RPC handler is written. Every handler opens with admission (the
// bearer token, its session, the method's access option: access_control.h, found by the
// request's type and read once at start), then takes one of three shapes:
//
// 1. A read: bounded work (a few RocksDB reads) answered on the gRPC thread.
//
//   grpc::ServerUnaryReactor* GetPoints(grpc::CallbackServerContext* context,
//                                       const v1::GetPointsRequest* request,
//                                       v1::PointsAccount* response) override {
//     return rpc_.Read(context, *request, [&](const platform::RequestContext& rc) {
//       return Account(request->customer_id(), response);
//     });
//   }
//
// 2. A transactional write: `check` (field rules, anything needing no lock; an error answers at
//    once), the Idempotency-Key claimed (a retry answered from the stored answer), then `write`
//    in a transaction (locked reads, the domain call, stores, events; it fills the response),
//    the answer recorded under the key and everything committed with one synced WAL write.
//    A lock conflict (ABORTED) rolls back and runs `write` again from the start, so a request
//    waits for a locked key only briefly (kRequestLockTimeout) and two requests locking the same
//    keys in opposite orders resolve at once instead of waiting each other out. Expensive
//    writes (argon2id) set `pooled` and run on the bounded worker pool instead of a gRPC thread.
//
//   return rpc_.Write(context, request, response,
//                     {.check = [=] { return platform::InvalidFields(Validate(*request)); },
//                      .write = [=](platform::Txn& txn, const platform::RequestContext& rc) {
//                        return Redeem(txn, *request, rc, response);
//                      }});
//
// 3. A call to another service, then a write: as 2, but between the claim and the transaction
//    `call` starts an asynchronous call (no thread waits on the network) and `write` runs on the
//    worker pool once it ended, with its outcome: the write decides what a failed call means
//    (refuse, or go on with defaults).
//
// The closures of 2 and 3 may run after the handler returned: capture the request and response
// pointers (gRPC keeps them until the call finishes) and `this`, never locals by reference.
// Errors leave through ToGrpcStatus; the RPC interceptor logs INTERNAL ones with the method and
// request id. Thread-safe.
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <memory>
#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/rpc/access_control.h"
#include "platform/rpc/request_context.h"
#include "platform/rpc/worker_pool.h"
#include "platform/store/idempotency.h"
#include "platform/store/store.h"

namespace crm::platform {

// How long a request's transaction waits for a key another holds before it starts over, and
// how often it starts. Consumers and timers, which no client waits for, use the store's longer
// default.
inline constexpr absl::Duration kRequestLockTimeout = absl::Milliseconds(250);
inline constexpr int kRequestAttempts = 4;

// A check needing no lock (field rules through InvalidFields, a throttle): an error answers at
// once, before any key is claimed, anything locked or the pool used.
using RpcCheck = std::function<absl::Status()>;

// The write in its transaction; fills the response. Runs again from the start after a lock
// conflict, so it changes nothing outside `txn` (txn.AfterCommit for counters and logs). The
// shape commits when it answers OK; a write that must keep its changes and still refuse (a
// reused refresh token revokes its session) commits `txn` itself and answers the error.
using RpcWrite = std::function<absl::Status(Txn& txn, const RequestContext& rc)>;

struct WriteSteps {
  RpcCheck check;
  RpcWrite write;
  // Set for expensive writes: they run on the worker pool, and a full pool answers OVERLOADED
  // (503) naming this, e.g. "password hashing". Must name a literal.
  absl::string_view pooled;
};

struct CallThenWriteSteps {
  RpcCheck check;
  // Starts the call (a generated stub's async() or CallRawAsync) and returns at once; `done`
  // must be given the call's outcome exactly once, from any thread.
  std::function<void(const RequestContext& rc, std::function<void(absl::Status)> done)> call;
  // As RpcWrite, with the call's outcome.
  std::function<absl::Status(Txn& txn, const RequestContext& rc, const absl::Status& called)> write;
};

// The descriptor of a generated gRPC service, e.g. DescriptorOf<v1::LoyaltyService>().
template <typename GrpcService>
const google::protobuf::ServiceDescriptor& DescriptorOf() {
  return *google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      GrpcService::service_full_name());
}

struct RpcDeps {
  Store& store;
  Idempotency& idempotency;
  WorkerPool& workers;
};

class Rpc {
 public:
  Rpc(AccessControl access, RpcDeps deps);

  grpc::ServerUnaryReactor* Read(
      grpc::CallbackServerContext* context, const google::protobuf::Message& request,
      absl::FunctionRef<absl::Status(const RequestContext& rc)> read) const;

  grpc::ServerUnaryReactor* Write(grpc::CallbackServerContext* context,
                                  const google::protobuf::Message* request,
                                  google::protobuf::Message* response, WriteSteps steps) const;

  grpc::ServerUnaryReactor* CallThenWrite(grpc::CallbackServerContext* context,
                                          const google::protobuf::Message* request,
                                          google::protobuf::Message* response,
                                          CallThenWriteSteps steps) const;

  const AccessControl& access() const { return access_; }

 private:
  // Admission, `check` and the claim of the Idempotency-Key; nullopt when the call is already
  // answered (refused, or replayed from the stored answer when `peek`).
  std::optional<std::shared_ptr<Idempotency::Claim>> Open(grpc::CallbackServerContext* context,
                                                          grpc::ServerUnaryReactor* reactor,
                                                          const google::protobuf::Message& request,
                                                          google::protobuf::Message* response,
                                                          const RpcCheck& check, bool peek,
                                                          RequestContext* rc) const;
  // `write` in a transaction with the claim's lookup and record, started over after a lock
  // conflict; CANCELLED when the caller left before it began.
  absl::Status Transact(const grpc::CallbackServerContext& context, const RequestContext& rc,
                        const Idempotency::Claim& claim, google::protobuf::Message* response,
                        const RpcWrite& write) const;

  const AccessControl access_;
  RpcDeps deps_;
};

}  // namespace crm::platform
