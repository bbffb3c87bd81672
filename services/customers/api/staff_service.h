// crm.customers.v1.StaffService: admins create and read staff accounts (agents, analysts,
// admins), which then log in through AuthService.Login like customers do. Also
// EnsureFirstAdmin, which makes the first admin account from configuration at start, since
// only an admin can make the others.
//
//   StaffServiceDeps deps{.store = store, .staff = staff, .customers = customers, ...};
//   auto admin = EnsureFirstAdmin(deps, {.email = "admin@crm.local", .password = "..."});
//   if (!admin.ok()) return admin.status();
//   StaffService service(deps);
//   builder.RegisterService(&service);
//
// Handlers use gRPC's callback API: reads run inline, password hashing on the platform's bounded
// worker pool (full pool: UNAVAILABLE / OVERLOADED at once). Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "crm/customers/v1/staff.grpc.pb.h"
#include "customers/domain/password.h"
#include "customers/store/customer_store.h"
#include "customers/store/session_store.h"
#include "customers/store/staff_store.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"
#include "platform/store/store.h"

namespace crm::customers {

struct StaffServiceDeps {
  platform::Store& store;
  StaffStore& staff;
  // Read so that a staff account never takes an email a customer logs in with.
  const CustomerStore& customers;
  // Role changes and deactivations end the account's sessions and publish TokenVersionRaised.
  SessionStore& sessions;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  platform::Metrics& metrics;
  // The parameters staff passwords are hashed with; Login verifies whatever a hash names.
  PasswordHashing hashing;
  platform::Rpc rpc;
};

class StaffService : public v1::StaffService::CallbackService {
 public:
  explicit StaffService(StaffServiceDeps deps);

  // Errors: INVALID_ARGUMENT (FIELD_INVALID: email, password, displayName, role);
  // ALREADY_EXISTS (EMAIL_TAKEN: a staff member or a customer has the email); UNAUTHENTICATED
  // (TOKEN_*); PERMISSION_DENIED (ROLE_NOT_ALLOWED); UNAVAILABLE (OVERLOADED); ABORTED
  // (IDEMPOTENCY_IN_PROGRESS, or contended); FAILED_PRECONDITION (IDEMPOTENCY_KEY_REUSED);
  // INTERNAL.
  grpc::ServerUnaryReactor* CreateStaff(grpc::CallbackServerContext* context,
                                        const v1::CreateStaffRequest* request,
                                        v1::Staff* response) override;
  // Errors: INVALID_ARGUMENT (FIELD_INVALID: staffId); NOT_FOUND (STAFF_NOT_FOUND);
  // UNAUTHENTICATED (TOKEN_*); PERMISSION_DENIED (ROLE_NOT_ALLOWED); INTERNAL.
  grpc::ServerUnaryReactor* GetStaff(grpc::CallbackServerContext* context,
                                     const v1::GetStaffRequest* request,
                                     v1::Staff* response) override;
  grpc::ServerUnaryReactor* UpdateStaff(grpc::CallbackServerContext* context,
                                        const v1::UpdateStaffRequest* request,
                                        v1::Staff* response) override;

 private:
  // CreateStaff in `txn` (on the worker pool): hash, insert.
  absl::Status Create(platform::Txn& txn, const v1::CreateStaffRequest& request,
                      const platform::RequestContext& rc, v1::Staff* response);

  // UpdateStaff in `txn`: read, patch, check; a new role or a deactivation ends the sessions.
  absl::Status Update(platform::Txn& txn, const v1::UpdateStaffRequest& request,
                      const platform::RequestContext& rc, v1::Staff* response);

  StaffServiceDeps deps_;
  platform::Counter created_;
};

// The first admin account, from configuration (--admin-email, --admin-password).
struct FirstAdmin {
  std::string email;
  std::string password;
  // Default "Administrator".
  std::string display_name = "Administrator";
};

struct FirstAdminResult {
  // The account with the email: the one made now or the one found.
  StoredStaff staff;
  // True when made now; false when a staff account already had the email (left as it was).
  bool created = false;
};

// Makes sure a staff account with `admin.email` exists: when none has it, creates one with the
// role ADMIN and `admin.password`; when one has it, changes nothing, its password and role
// included (a restart must never undo a password change). `admin` must pass the rules of
// CreateStaff either way. Runs argon2id on the calling thread: call it before serving.
// Errors: INVALID_ARGUMENT (FIELD_INVALID: email, password, displayName); ALREADY_EXISTS
// (EMAIL_TAKEN) when a customer has the email; RESOURCE_EXHAUSTED when memory for the hash
// cannot be had; ABORTED (contended: retry); INTERNAL.
absl::StatusOr<FirstAdminResult> EnsureFirstAdmin(const StaffServiceDeps& deps,
                                                  const FirstAdmin& admin);

}  // namespace crm::customers
