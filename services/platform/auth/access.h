// Who may call an RPC, decided from the RPC's (crm.api.v1.access) option: the one rule every
// service applies (the gateway applies it too, to refuse early). Pure: no token parsing here,
// the caller passes the verified principal (see tokens.h).
//
//   const api::v1::Access& access = AccessOf(method_descriptor);
//   if (absl::Status s = Authorize(access, principal, request); !s.ok()) return s;
//
// A customer reaches only records whose owner field names it; another customer's record
// answers NOT_FOUND, exactly like a missing one, so ids cannot be probed.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "crm/api/v1/annotations.pb.h"

namespace google::protobuf {
class Message;
class MethodDescriptor;
}  // namespace google::protobuf

namespace crm::platform {

struct Principal {
  // False for a call that carried no token.
  bool authenticated = false;
  // The customer, staff member, partner or service the token names.
  std::string subject;
  // customer, agent, analyst, admin, partner, service.
  std::string role;
};

// The access option of `method`; an empty Access (nobody allowed) when it has none.
api::v1::Access AccessOf(const google::protobuf::MethodDescriptor& method);
// The HTTP rule of `method` (its Idempotency-Key policy and rate class too); empty when none.
api::v1::HttpRule HttpOf(const google::protobuf::MethodDescriptor& method);

// A role as tokens carry it: "customer", "agent", "analyst", "admin", "partner", "service".
std::string RoleName(api::v1::Access::Role role);

// OK when `principal` may make this call with `request`. Errors: UNAUTHENTICATED
// (TOKEN_MISSING) when the RPC is not anonymous and no token came; PERMISSION_DENIED
// (ROLE_NOT_ALLOWED) for a role the RPC does not list, or a service its `services` do not;
// NOT_FOUND when a customer names another customer's record; PERMISSION_DENIED
// (PARTNER_MISMATCH, naming the field) when a partner names another partner in the option's
// `partner_field`; INTERNAL when the option names a field the request does not have.
// OK unless `principal` is a customer and `owner` (the customer a record belongs to) is another:
// NOT_FOUND (NOT_FOUND), as if the record did not exist. Authorize applies it to the request's
// owner field; a service applies it to a record it loaded (Access.owner_on_record), through
// RequestContext::CheckOwner.
absl::Status CheckOwner(const Principal& principal, absl::string_view owner);

absl::Status Authorize(const api::v1::Access& access, const Principal& principal,
                       const google::protobuf::Message& request);

}  // namespace crm::platform
