// crm.customers.v1.CustomersService: maps requests to the registration rules, the customer
// store and the outbox. Handlers use gRPC's callback API: cheap work runs inline, password
// hashing on the platform's bounded worker pool (full pool: UNAVAILABLE / OVERLOADED at once).
// Thread-safe.
#pragma once

#include "crm/customers/v1/customers.grpc.pb.h"
#include "customers/api/loyalty_service.h"
#include "customers/domain/password.h"
#include "customers/store/customer_index.h"
#include "customers/store/customer_store.h"
#include "customers/store/staff_store.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/rpc/access_control.h"
#include "platform/rpc/worker_pool.h"
#include "platform/store/idempotency.h"

namespace crm::customers {

struct CustomersServiceDeps {
  platform::Store& store;
  CustomerStore& customers;
  CustomerIndex& index;
  // A registration may not take a staff member's email (it would shadow the staff account at
  // login, where staff are looked up first).
  StaffStore& staff;
  platform::Outbox& outbox;
  platform::Idempotency& idempotency;
  platform::WorkerPool& workers;
  const platform::Clock& clock;
  platform::Metrics& metrics;
  PasswordHashing hashing;
  // Tokens and the access options of CustomersService's RPCs.
  const platform::AccessControl& access;
  // Tier, points and lifetime value on the profile; nullptr: left at their defaults.
  const LoyaltyService* loyalty = nullptr;
};

class CustomersService : public v1::CustomersService::CallbackService {
 public:
  explicit CustomersService(CustomersServiceDeps deps);

  grpc::ServerUnaryReactor* CreateCustomer(grpc::CallbackServerContext* context,
                                           const v1::CreateCustomerRequest* request,
                                           v1::Customer* response) override;
  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* context,
                                        const v1::GetCustomerRequest* request,
                                        v1::Customer* response) override;
  // The profile as GetCustomer answers it, without an access check (the caller made one).
  // Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); INTERNAL.
  absl::StatusOr<v1::Customer> Profile(absl::string_view customer_id) const;

  // Bounded: at most 2,000 index entries are examined per page.
  grpc::ServerUnaryReactor* SearchCustomers(grpc::CallbackServerContext* context,
                                            const v1::SearchCustomersRequest* request,
                                            v1::SearchCustomersResponse* response) override;

  // Bounded work (one locked read, one synced commit): inline.
  grpc::ServerUnaryReactor* UpdateCustomer(grpc::CallbackServerContext* context,
                                           const v1::UpdateCustomerRequest* request,
                                           v1::Customer* response) override;

 private:
  // The whole registration in one transaction: stored answer for a repeated Idempotency-Key,
  // else hash, claim the email, insert, outbox event, idempotency record; one synced commit.
  absl::Status Register(const v1::CreateCustomerRequest& request, const std::string& request_id,
                        const platform::Idempotency::Claim& claim, v1::Customer* response);

  // GetCustomer's work: admitted, then read.
  absl::Status Read(const grpc::CallbackServerContext& context,
                    const v1::GetCustomerRequest& request, v1::Customer* response);

  // UpdateCustomer's work: admitted, then read, patch, check, write with its event.
  absl::Status Update(const grpc::CallbackServerContext& context,
                      const v1::UpdateCustomerRequest& request, v1::Customer* response);

  absl::Status Search(const grpc::CallbackServerContext& context,
                      const v1::SearchCustomersRequest& request,
                      v1::SearchCustomersResponse* response);

  // Adds the loyalty summary to a profile answer.
  absl::Status AddLoyalty(v1::Customer* customer) const;

  CustomersServiceDeps deps_;
  platform::Counter registered_;
  platform::Counter updated_;
};

}  // namespace crm::customers
