// The shapes of idempotent writes. RunPooledWrite: what every expensive one shares (registration,
// staff creation, later password changes): claim the Idempotency-Key, answer a retry from its
// stored answer at once, then run the write on the bounded worker pool and finish the gRPC call
// from there.
//
//   RunPooledWrite({.idempotency = idempotency, .workers = workers, .context = context,
//                   .reactor = reactor, .rc = rc, .method = "CreateCustomer",
//                   .what = "password hashing"},
//                  *request, response,
//                  [=](const Idempotency::Claim& claim) { return Register(*request, claim,
//                  response); });
//
// The call finishes with: the write's status; IDEMPOTENCY_IN_PROGRESS (409) while a twin runs;
// the stored answer or IDEMPOTENCY_KEY_REUSED for a key seen before; OVERLOADED (503) when the
// pool is full; CANCELLED when the caller left before its turn (nothing is written then).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "platform/rpc/request_context.h"
#include "platform/rpc/worker_pool.h"
#include "platform/store/idempotency.h"
#include "platform/store/store.h"

namespace google::protobuf {
class Message;
}

namespace crm::platform {

struct PooledWrite {
  Idempotency& idempotency;
  WorkerPool& workers;
  grpc::CallbackServerContext* context;
  grpc::ServerUnaryReactor* reactor;
  RequestContext rc;
  // Scopes the Idempotency-Key, e.g. "CreateCustomer".
  absl::string_view method;
  // Named in the OVERLOADED message, e.g. "password hashing".
  absl::string_view what;
};

// `request` and `response` must live until the reactor finishes (gRPC's own do). `write` runs
// on the pool, inside the claim; it must look the claim up and record its answer in the same
// transaction as its effect (Idempotency::Lookup / Record).
void RunPooledWrite(const PooledWrite& call, const google::protobuf::Message& request,
                    google::protobuf::Message* response,
                    std::function<absl::Status(const Idempotency::Claim&)> write);

// The same for a cheap write (a few locked reads and one synced commit), run inline on the
// calling thread, with the transaction handled here: claim the key, answer a retry from its
// stored answer, else begin a transaction, run `write` (which fills `response`), record the
// answer in the same transaction and commit. Answers the status to finish the call with.
//
//   return RunIdempotentWrite({store, idempotency, rc, "CreateAddress"}, request, response,
//                             [&](Txn& txn) { return Add(txn, ..., response); });
struct IdempotentWrite {
  Store& store;
  Idempotency& idempotency;
  const RequestContext& rc;
  absl::string_view method;
};
absl::Status RunIdempotentWrite(const IdempotentWrite& call,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response,
                                const std::function<absl::Status(Txn&)>& write);

}  // namespace crm::platform
