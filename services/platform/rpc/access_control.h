// The door of every RPC: checks the caller's bearer token (platform/auth/tokens.h), asks the
// service whether the token's session still stands, and applies the RPC's access option (access.h)
// to the request. Anonymous RPCs ignore tokens (a refresh must work with an expired one along).
// Every handler starts with it:
//
//   auto rc = access_.Admit(*context, "GetCustomer", *request);
//   if (!rc.ok()) { reactor->Finish(ToGrpcStatus(rc.status())); return reactor; }
//   // rc->principal is who calls, verified; rc->request_id, rc->idempotency_key, ...
//
// Thread-safe (immutable after construction).
#pragma once

#include <grpcpp/server_context.h>

#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/api/v1/annotations.pb.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/rpc/request_context.h"

namespace google::protobuf {
class Message;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace crm::platform {

struct AccessControlOptions {
  // Verifies bearer tokens; nullptr: no token is trusted, so only anonymous RPCs can be made.
  const TokenVerifier* verifier = nullptr;
  // Asked after the signature and claims passed: OK while the token's session stands (not
  // logged out, token version current). Empty: every verified token stands.
  std::function<absl::Status(const TokenClaims&)> check_session;
};

class AccessControl {
 public:
  AccessControl(const google::protobuf::ServiceDescriptor& service, const Clock& clock,
                AccessControlOptions options);

  // The request's context with its verified principal, when the caller may make `method`'s
  // call with `request`. Errors: UNAUTHENTICATED (a bad, expired or revoked token; none on a
  // non-anonymous RPC), PERMISSION_DENIED (role not allowed), NOT_FOUND (another customer's
  // record), INVALID_ARGUMENT (IDEMPOTENCY_KEY_MISSING: the RPC declares the key REQUIRED and
  // none came), INTERNAL (`method` unknown: a programming error).
  absl::StatusOr<RequestContext> Admit(const grpc::ServerContextBase& context,
                                       absl::string_view method,
                                       const google::protobuf::Message& request) const;

 private:
  // The bearer token's principal into `rc`, then the access option's verdict.
  absl::Status Authenticate(const grpc::ServerContextBase& context,
                            const google::protobuf::Message& request, const api::v1::Access& access,
                            RequestContext* rc) const;

  // What a method's options declare, read once at construction.
  struct Declared {
    api::v1::Access access;
    api::v1::HttpRule::IdempotencyKey idempotency_key = api::v1::HttpRule::NONE;
  };

  const google::protobuf::ServiceDescriptor& service_;
  const Clock& clock_;
  const AccessControlOptions options_;
  // By method name.
  absl::flat_hash_map<std::string, Declared> declared_;
};

}  // namespace crm::platform
