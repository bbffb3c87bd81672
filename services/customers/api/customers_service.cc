#include "customers/api/customers_service.h"

#include <google/protobuf/util/time_util.h>

#include <memory>

#include "customers/domain/registration.h"
#include "customers/events/customer_events.h"
#include "platform/errors.h"
#include "platform/grpc_status.h"
#include "platform/ids.h"
#include "platform/log.h"
#include "platform/pooled_write.h"
#include "platform/request_context.h"

namespace crm::customers {
namespace {

using google::protobuf::util::TimeUtil;

void ToApi(const StoredCustomer& stored, v1::Customer* out) {
  const v1::CustomerRecord& r = stored.record;
  out->set_customer_id(r.customer_id());
  out->set_email(r.email());
  out->set_display_name(r.display_name());
  out->set_kind(r.kind());
  *out->mutable_created_at() = r.created_at();
  out->set_etag(stored.etag);
}

}  // namespace

CustomersService::CustomersService(CustomersServiceDeps deps)
    : deps_(std::move(deps)),
      registered_(deps_.metrics.AddCounter("crm_customers_registered_total",
                                           "Customers registered", {})) {}

grpc::ServerUnaryReactor* CustomersService::CreateCustomer(
    grpc::CallbackServerContext* context, const v1::CreateCustomerRequest* request,
    v1::Customer* response) {
  auto* reactor = context->DefaultReactor();
  auto admitted = deps_.access.Admit(*context, "CreateCustomer", *request);
  if (!admitted.ok()) {
    reactor->Finish(platform::ToGrpcStatus(admitted.status()));
    return reactor;
  }
  const platform::RequestContext& rc = *admitted;

  std::vector<platform::FieldViolation> violations = ValidateRegistration(
      {.email = request->email(), .password = request->password(),
       .display_name = request->display_name()});
  if (!v1::Customer::Kind_IsValid(request->kind())) {
    violations.push_back({"kind", "must be INDIVIDUAL or COMPANY"});
  }
  if (!violations.empty()) {
    reactor->Finish(platform::ToGrpcStatus(platform::InvalidFields(violations)));
    return reactor;
  }
  platform::RunPooledWrite({.idempotency = deps_.idempotency,
                            .workers = deps_.workers,
                            .context = context,
                            .reactor = reactor,
                            .rc = rc,
                            .method = "CreateCustomer",
                            .what = "password hashing"},
                           *request, response, [this, request, response, rc](const auto& claim) {
                             return Register(*request, rc.request_id, claim, response);
                           });
  return reactor;
}

absl::Status CustomersService::Register(const v1::CreateCustomerRequest& request,
                                        const std::string& request_id,
                                        const platform::Idempotency::Claim& claim,
                                        v1::Customer* response) {
  auto txn = deps_.store.Begin();
  auto replayed = deps_.idempotency.Lookup(*txn, claim, response);
  if (!replayed.ok()) return replayed.status();
  if (*replayed) return absl::OkStatus();

  auto hash = HashPassword(request.password(), deps_.hashing);
  if (!hash.ok()) return platform::Overloaded("password hashing");

  v1::CustomerRecord record;
  record.set_customer_id(platform::NewId("c"));
  record.set_email(request.email());
  record.set_display_name(request.display_name());
  record.set_kind(request.kind() == v1::Customer::KIND_UNSPECIFIED ? v1::Customer::INDIVIDUAL
                                                                   : request.kind());
  record.set_password_hash(*hash);
  *record.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(deps_.clock.Now()));

  auto stored = deps_.customers.Insert(*txn, record, NormalizeEmail(request.email()));
  if (!stored.ok()) return stored.status();
  if (auto event = PublishCustomerRegistered(deps_.outbox, *txn, record, request_id);
      !event.ok()) {
    return event.status();
  }
  ToApi(*stored, response);
  if (absl::Status s = deps_.idempotency.Record(*txn, claim, *response); !s.ok()) return s;
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  registered_.Increment();
  platform::LogInfo("customer registered",
                    {{"requestId", request_id}, {"customerId", record.customer_id()}});
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CustomersService::GetCustomer(grpc::CallbackServerContext* context,
                                                        const v1::GetCustomerRequest* request,
                                                        v1::Customer* response) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(platform::ToGrpcStatus(Read(*context, *request, response)));
  return reactor;
}

absl::Status CustomersService::Read(const grpc::CallbackServerContext& context,
                                    const v1::GetCustomerRequest& request,
                                    v1::Customer* response) {
  if (auto admitted = deps_.access.Admit(context, "GetCustomer", request); !admitted.ok()) {
    return admitted.status();
  }
  if (request.customer_id().empty()) return platform::InvalidFields({{"customerId", "is required"}});
  auto stored = deps_.customers.Get(request.customer_id());
  if (!stored.ok()) return stored.status();
  ToApi(*stored, response);
  return absl::OkStatus();
}

}  // namespace crm::customers
