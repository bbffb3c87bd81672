// What a handler needs to know about the call besides its message: the request id (for logs and
// events), the caller, and the Idempotency-Key and If-Match the gateway forwarded as metadata
// (x-request-id, idempotency-key, if-match).
//
//   RequestContext rc = RequestContext::From(*context);
//   LogInfo("registered", {{"requestId", rc.request_id}});
#pragma once

#include <grpcpp/server_context.h>

#include <string>

#include "platform/auth/access.h"
#include "platform/base/ids.h"

namespace google::protobuf {
class MethodDescriptor;
}

namespace crm::platform {

struct RequestContext {
  // Never empty: the interceptor makes one when the client sent none.
  std::string request_id;
  // Who calls, as verified from its bearer token by the RPC interceptor; not authenticated
  // when no token came (the interceptor refuses a bad one before any handler runs).
  Principal principal;
  // The session (login) the token belongs to; empty without a token.
  std::string session_id;
  // The principal's subject, or kAnonymousCaller: scopes idempotency keys.
  std::string caller = std::string(kAnonymousCaller);
  std::string idempotency_key;
  std::string if_match;
  // The method called, set by admission (AccessControl::Admit); null before it.
  const google::protobuf::MethodDescriptor* method = nullptr;

  static RequestContext From(const grpc::ServerContextBase& context);

  // For a method whose access option says owner_on_record: OK unless the caller is a customer
  // and `owner` (the customer the loaded record belongs to) is another; then `missing`, exactly
  // what a record that does not exist answers (platform/auth/access.h CheckOwner).
  //
  //   auto order = orders.Get(request.order_id());
  //   if (absl::Status s = rc.CheckOwner(order->customer_id(), orders.Missing()); !s.ok()) ...
  absl::Status CheckOwner(absl::string_view owner, const absl::Status& missing) const {
    return platform::CheckOwner(principal, owner).ok() ? absl::OkStatus() : missing;
  }
};

}  // namespace crm::platform
