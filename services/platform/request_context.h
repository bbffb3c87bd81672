// What a handler needs to know about the call besides its message: the request id (for logs and
// events), the caller, and the Idempotency-Key and If-Match the gateway forwarded as metadata
// (x-request-id, idempotency-key, if-match).
//
//   RequestContext rc = RequestContext::From(*context);
//   LogInfo("registered", {{"requestId", rc.request_id}});
#pragma once

#include <string>

#include <grpcpp/server_context.h>

namespace crm::platform {

struct RequestContext {
  // Never empty: the interceptor makes one when the client sent none.
  std::string request_id;
  // The verified principal; "anonymous" until a token says otherwise.
  std::string caller = "anonymous";
  std::string idempotency_key;
  std::string if_match;

  static RequestContext From(const grpc::ServerContextBase& context);
};

}  // namespace crm::platform
