// The shape every expensive, idempotent write shares (registration, staff creation, later
// password changes): claim the Idempotency-Key, answer a retry from its stored answer at once,
// then run the write on the bounded worker pool and finish the gRPC call from there.
//
//   RunPooledWrite({.idempotency = idempotency, .workers = workers, .context = context,
//                   .reactor = reactor, .rc = rc, .method = "CreateCustomer",
//                   .what = "password hashing"},
//                  *request, response,
//                  [=](const Idempotency::Claim& claim) { return Register(*request, claim, response); });
//
// The call finishes with: the write's status; IDEMPOTENCY_IN_PROGRESS (409) while a twin runs;
// the stored answer or IDEMPOTENCY_KEY_REUSED for a key seen before; OVERLOADED (503) when the
// pool is full; CANCELLED when the caller left before its turn (nothing is written then).
#pragma once

#include <functional>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "idempotency.h"
#include "request_context.h"
#include "worker_pool.h"

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

}  // namespace crm::platform
