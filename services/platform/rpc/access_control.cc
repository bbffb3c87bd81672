#include "platform/rpc/access_control.h"

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/auth/access.h"
#include "platform/base/errors.h"

namespace crm::platform {

AccessControl::AccessControl(const google::protobuf::ServiceDescriptor& service, const Clock& clock,
                             AccessControlOptions options)
    : service_(service), clock_(clock), options_(std::move(options)) {
  // Options are re-parsed to be read (access.h): once per method here, not once per call.
  std::vector<std::string> problems;
  for (int i = 0; i < service_.method_count(); ++i) {
    const auto& method = *service_.method(i);
    Declared declared{.method = &method,
                      .access = AccessOf(method),
                      .idempotency_key = HttpOf(method).idempotency_key()};
    // No option at all reads as an empty one: nobody may call. That is never meant.
    if (!declared.access.anonymous() && declared.access.roles().empty()) {
      problems.push_back(absl::StrCat(method.name(), " has no (crm.api.v1.access) option"));
    }
    if (!declared_.emplace(method.input_type(), std::move(declared)).second) {
      problems.push_back(absl::StrCat(method.name(), " shares its request type ",
                                      method.input_type()->full_name(), " with another method"));
    }
  }
  if (!problems.empty()) {
    declarations_ = absl::FailedPreconditionError(
        absl::StrCat(service_.full_name(), ": ", absl::StrJoin(problems, "; ")));
  }
}

absl::StatusOr<RequestContext> AccessControl::Admit(
    const grpc::ServerContextBase& context, const google::protobuf::Message& request) const {
  auto declared = declared_.find(request.GetDescriptor());
  if (declared == declared_.end()) {
    return absl::InternalError(absl::StrCat(request.GetDescriptor()->full_name(),
                                            " is no request of ", service_.full_name()));
  }
  const api::v1::Access& access = declared->second.access;
  RequestContext rc = RequestContext::From(context);
  rc.method = declared->second.method;
  // A key the method does not honour is ignored, as the OpenAPI document says.
  if (declared->second.idempotency_key == api::v1::HttpRule::NONE) rc.idempotency_key.clear();
  // Anonymous RPCs (register, login, refresh) do not look at tokens at all: a client that
  // sends its expired access token along with a refresh must still get a new one.
  if (!access.anonymous()) {
    if (absl::Status s = Authenticate(context, request, access, &rc); !s.ok()) return s;
  }
  // Declared in the proto (API.md: money and points move only under a key), so a retry after a
  // lost answer can never spend twice.
  if (declared->second.idempotency_key == api::v1::HttpRule::REQUIRED &&
      rc.idempotency_key.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, kReasonIdempotencyKeyMissing,
                 "this call needs an Idempotency-Key header",
                 {{"Idempotency-Key", "is required for this call"}});
  }
  return rc;
}

absl::Status AccessControl::Authenticate(const grpc::ServerContextBase& context,
                                         const google::protobuf::Message& request,
                                         const api::v1::Access& access, RequestContext* rc) const {
  const auto& metadata = context.client_metadata();
  auto authorization = metadata.find("authorization");
  if (authorization != metadata.end()) {
    absl::string_view header(authorization->second.data(), authorization->second.size());
    if (!absl::StartsWithIgnoreCase(header, "Bearer ") || options_.verifier == nullptr) {
      return Error(absl::StatusCode::kUnauthenticated, kReasonTokenInvalid,
                   "the Authorization header is not a bearer token this service can verify");
    }
    auto claims = options_.verifier->Verify(header.substr(7), clock_.Now());
    if (!claims.ok()) return claims.status();
    if (options_.check_session) {
      if (absl::Status s = options_.check_session(*claims); !s.ok()) return s;
    }
    rc->principal = {.authenticated = true, .subject = claims->subject, .role = claims->role};
    rc->session_id = claims->session_id;
    rc->caller = claims->subject;
  }
  return Authorize(access, rc->principal, request);
}

}  // namespace crm::platform
