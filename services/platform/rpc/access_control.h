// The door of every RPC: checks the caller's bearer token (platform/auth/tokens.h), asks the
// service whether the token's session still stands, and applies the RPC's access option (access.h)
// to the request. Anonymous RPCs ignore tokens (a refresh must work with an expired one along).
// The RPC is known by its request's type (each method of a service takes its own request
// message), so no handler names itself; handlers do not call it directly but through their
// shape (platform/runtime/rpc.h):
//
//   auto rc = access.Admit(*context, *request);
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
class Descriptor;
class Message;
class MethodDescriptor;
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
  // Reads every method's declarations once. A service whose protos are wrong still constructs,
  // but declarations() says what is wrong, and the runtime refuses to start with it.
  AccessControl(const google::protobuf::ServiceDescriptor& service, const Clock& clock,
                AccessControlOptions options);

  // OK when every method of the service has an access option that admits someone, and takes a
  // request type of its own; else FAILED_PRECONDITION naming the methods.
  const absl::Status& declarations() const { return declarations_; }

  // The request's context with its verified principal, when the caller may make the call of
  // `request`'s method with it. The Idempotency-Key is kept only where the method declares it
  // (OPTIONAL or REQUIRED). Errors: UNAUTHENTICATED (a bad, expired or revoked token; none on a
  // non-anonymous RPC), PERMISSION_DENIED (role not allowed), NOT_FOUND (another customer's
  // record), INVALID_ARGUMENT (IDEMPOTENCY_KEY_MISSING: the RPC declares the key REQUIRED and
  // none came), INTERNAL (`request` is no method's request here: a programming error).
  absl::StatusOr<RequestContext> Admit(const grpc::ServerContextBase& context,
                                       const google::protobuf::Message& request) const;

  const google::protobuf::ServiceDescriptor& service() const { return service_; }

 private:
  // The bearer token's principal into `rc`, then the access option's verdict.
  absl::Status Authenticate(const grpc::ServerContextBase& context,
                            const google::protobuf::Message& request, const api::v1::Access& access,
                            RequestContext* rc) const;

  // What a method's options declare, read once at construction.
  struct Declared {
    const google::protobuf::MethodDescriptor* method = nullptr;
    api::v1::Access access;
    api::v1::HttpRule::IdempotencyKey idempotency_key = api::v1::HttpRule::NONE;
  };

  const google::protobuf::ServiceDescriptor& service_;
  const Clock& clock_;
  const AccessControlOptions options_;
  // By the method's request type.
  absl::flat_hash_map<const google::protobuf::Descriptor*, Declared> declared_;
  absl::Status declarations_;
};

}  // namespace crm::platform
