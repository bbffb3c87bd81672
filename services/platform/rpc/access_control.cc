#include "platform/rpc/access_control.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "platform/auth/access.h"
#include "platform/base/errors.h"

namespace crm::platform {

AccessControl::AccessControl(const google::protobuf::ServiceDescriptor& service,
                             const Clock& clock, AccessControlOptions options)
    : service_(service), clock_(clock), options_(std::move(options)) {}

absl::StatusOr<RequestContext> AccessControl::Admit(const grpc::ServerContextBase& context,
                                                    absl::string_view method,
                                                    const google::protobuf::Message& request) const {
  const auto* descriptor = service_.FindMethodByName(std::string(method));
  if (descriptor == nullptr) {
    return absl::InternalError(absl::StrCat("no method ", method, " in ", service_.full_name()));
  }
  RequestContext rc = RequestContext::From(context);
  api::v1::Access access = AccessOf(*descriptor);
  // Anonymous RPCs (register, login, refresh) do not look at tokens at all: a client that
  // sends its expired access token along with a refresh must still get a new one.
  if (access.anonymous()) return rc;

  const auto& metadata = context.client_metadata();
  auto authorization = metadata.find("authorization");
  if (authorization != metadata.end()) {
    absl::string_view header(authorization->second.data(), authorization->second.size());
    if (!absl::StartsWithIgnoreCase(header, "Bearer ") || options_.verifier == nullptr) {
      return Error(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                   "the Authorization header is not a bearer token this service can verify");
    }
    auto claims = options_.verifier->Verify(header.substr(7), clock_.Now());
    if (!claims.ok()) return claims.status();
    if (options_.check_session) {
      if (absl::Status s = options_.check_session(*claims); !s.ok()) return s;
    }
    rc.principal = {.authenticated = true, .subject = claims->subject, .role = claims->role};
    rc.session_id = claims->session_id;
    rc.caller = claims->subject;
  }
  if (absl::Status s = Authorize(access, rc.principal, request); !s.ok()) return s;
  return rc;
}

}  // namespace crm::platform
