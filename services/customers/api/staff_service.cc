#include "customers/api/staff_service.h"

#include <memory>
#include <utility>
#include <vector>

#include "customers/domain/field_mask.h"
#include "customers/domain/reasons.h"
#include "customers/domain/registration.h"
#include "customers/domain/staff.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"
#include "platform/rpc/request_context.h"
#include "platform/store/entity.h"

namespace crm::customers {

namespace {

void ToApi(const StoredStaff& stored, v1::Staff* out) {
  const store::v1::StaffRecord& r = stored.record;
  out->set_staff_id(r.staff_id());
  out->set_email(r.email());
  out->set_display_name(r.display_name());
  out->set_role(r.role());
  *out->mutable_created_at() = r.created_at();
  out->set_etag(stored.etag);
  out->set_active(!r.deactivated());
}

// Adds the account in `txn`; `account` passed ValidateStaffAccount. Errors: ALREADY_EXISTS
// (EMAIL_TAKEN); RESOURCE_EXHAUSTED (no memory for the hash); those of the store.
absl::StatusOr<StoredStaff> AddStaff(platform::Txn& txn, const StaffServiceDeps& deps,
                                     const StaffAccount& account) {
  std::string email = NormalizeEmail(account.email);
  // Login looks an email up among staff first, so a staff account on a customer's email would
  // lock that customer out. The read takes no lock: customer registration does not look at
  // staff emails, so a lock here would close only half of that race.
  auto customer = deps.customers.FindByEmail(email);
  if (customer.ok()) {
    return platform::Error(absl::StatusCode::kAlreadyExists, kReasonEmailTaken,
                           "a customer account already uses this email",
                           {{"email", "is already registered"}});
  }
  if (!absl::IsNotFound(customer.status())) return customer.status();

  auto hash = HashPassword(account.password, deps.hashing);
  if (!hash.ok()) return hash.status();

  store::v1::StaffRecord record;
  record.set_staff_id(platform::NewId("st"));
  record.set_email(std::string(account.email));
  record.set_display_name(std::string(account.display_name));
  record.set_role(static_cast<v1::Staff::Role>(account.role));
  record.set_password_hash(*std::move(hash));
  *record.mutable_created_at() = platform::ToTimestamp(deps.clock.Now());
  return deps.staff.Insert(txn, record);
}

}  // namespace

StaffService::StaffService(StaffServiceDeps deps)
    : deps_(std::move(deps)),
      created_(deps_.metrics.AddCounter("crm_staff_created_total", "Staff accounts created", {})) {}

grpc::ServerUnaryReactor* StaffService::CreateStaff(grpc::CallbackServerContext* context,
                                                    const v1::CreateStaffRequest* request,
                                                    v1::Staff* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             return platform::InvalidFields(
                 ValidateStaffAccount({.email = request->email(),
                                       .password = request->password(),
                                       .display_name = request->display_name(),
                                       .role = request->role()}));
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Create(txn, *request, rc, response);
           },
       .pooled = "password hashing"});
}

absl::Status StaffService::Create(platform::Txn& txn, const v1::CreateStaffRequest& request,
                                  const platform::RequestContext& rc, v1::Staff* response) {
  auto stored = AddStaff(txn, deps_,
                         {.email = request.email(),
                          .password = request.password(),
                          .display_name = request.display_name(),
                          .role = request.role()});
  if (absl::IsResourceExhausted(stored.status())) return platform::Overloaded("password hashing");
  if (!stored.ok()) return stored.status();
  ToApi(*stored, response);
  txn.AfterCommit([this, rc, record = stored->record] {
    created_.Increment();
    platform::LogInfo("staff account created", {{"requestId", rc.request_id},
                                                {"staffId", record.staff_id()},
                                                {"role", StaffRoleName(record.role())},
                                                {"createdBy", rc.principal.subject}});
  });
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* StaffService::GetStaff(grpc::CallbackServerContext* context,
                                                 const v1::GetStaffRequest* request,
                                                 v1::Staff* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    if (request->staff_id().empty()) return platform::InvalidFields({{"staffId", "is required"}});
    auto stored = deps_.staff.Get(request->staff_id());
    if (!stored.ok()) return stored.status();
    ToApi(*stored, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StaffService::UpdateStaff(grpc::CallbackServerContext* context,
                                                    const v1::UpdateStaffRequest* request,
                                                    v1::Staff* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.write = [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
        return Update(txn, *request, rc, response);
      }});
}

absl::Status StaffService::Update(platform::Txn& txn, const v1::UpdateStaffRequest& request,
                                  const platform::RequestContext& rc, v1::Staff* response) {
  static const PathSet kChangeable = {"display_name", "role", "active"};
  auto stored = deps_.staff.GetForUpdate(txn, request.staff_id());
  if (!stored.ok()) return stored.status();
  v1::Staff view;
  ToApi(*stored, &view);
  std::vector<platform::FieldViolation> violations;
  ApplyMask(request.staff(), request.update_mask(), kChangeable, &view, violations);
  if (!violations.empty()) return platform::InvalidFields(violations);
  if (absl::Status s = platform::CheckEtag({.version = stored->version}, rc.if_match); !s.ok()) {
    return s;
  }
  CheckText("staff.displayName", view.display_name(),
            {.max_chars = kMaxDisplayNameChars, .required = true}, violations);
  CheckStaffRole("staff.role", view.role(), violations);
  if (!violations.empty()) return platform::InvalidFields(violations);

  store::v1::StaffRecord record = stored->record;
  bool role_changed = view.role() != record.role();
  bool deactivated = !view.active() && !record.deactivated();
  if ((role_changed || deactivated) && request.staff_id() == rc.principal.subject) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonSelfChangeRefused,
                           "an admin cannot change their own role or deactivate themselves");
  }
  record.set_display_name(view.display_name());
  record.set_role(view.role());
  record.set_deactivated(!view.active());
  // A new role or an offboarding takes effect at once: every token made before is refused.
  if (role_changed || deactivated) {
    record.set_token_version(record.token_version() + 1);
    if (auto revoked =
            deps_.sessions.RevokeAllOf(txn, record.staff_id(), "", record.token_version());
        !revoked.ok()) {
      return revoked.status();
    }
    if (auto e = PublishTokenVersionRaised(deps_.outbox, txn, record.staff_id(),
                                           record.token_version(), deps_.clock.Now());
        !e.ok()) {
      return e.status();
    }
  }
  auto updated = deps_.staff.Update(txn, *stored, record);
  if (!updated.ok()) return updated.status();
  txn.AfterCommit([record, by = rc.principal.subject] {
    platform::LogInfo("staff account changed", {{"staffId", record.staff_id()},
                                                {"role", StaffRoleName(record.role())},
                                                {"active", record.deactivated() ? "false" : "true"},
                                                {"by", by}});
  });
  ToApi(*updated, response);
  return absl::OkStatus();
}

absl::StatusOr<FirstAdminResult> EnsureFirstAdmin(const StaffServiceDeps& deps,
                                                  const FirstAdmin& admin) {
  StaffAccount account{.email = admin.email,
                       .password = admin.password,
                       .display_name = admin.display_name,
                       .role = v1::Staff::admin};
  // Checked even when the account exists: a configuration CreateStaff would refuse is wrong
  // whether or not it is used this time.
  if (absl::Status s = platform::InvalidFields(ValidateStaffAccount(account)); !s.ok()) return s;

  // Found: nothing to do, and no argon2id run for it.
  auto existing = deps.staff.FindByEmail(NormalizeEmail(admin.email));
  if (existing.ok()) return FirstAdminResult{.staff = *std::move(existing), .created = false};
  if (!absl::IsNotFound(existing.status())) return existing.status();

  auto txn = deps.store.Begin();
  auto stored = AddStaff(*txn, deps, account);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  return FirstAdminResult{.staff = *std::move(stored), .created = true};
}

}  // namespace crm::customers
