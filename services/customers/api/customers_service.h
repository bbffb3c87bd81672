// crm.customers.v1.CustomersService: maps requests to the registration rules, the customer
// store and the outbox, in the platform's handler shapes (platform/runtime/rpc.h); registration
// hashes its password on the bounded worker pool (full pool: UNAVAILABLE / OVERLOADED at once).
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
#include "platform/runtime/rpc.h"

namespace crm::customers {

struct CustomersServiceDeps {
  CustomerStore& customers;
  CustomerIndex& index;
  // A registration may not take a staff member's email (it would shadow the staff account at
  // login, where staff are looked up first).
  StaffStore& staff;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  platform::Metrics& metrics;
  PasswordHashing hashing;
  platform::Rpc rpc;
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

  grpc::ServerUnaryReactor* UpdateCustomer(grpc::CallbackServerContext* context,
                                           const v1::UpdateCustomerRequest* request,
                                           v1::Customer* response) override;

 private:
  // The registration in `txn`: hash, claim the email, insert, index, outbox event.
  absl::Status Register(platform::Txn& txn, const v1::CreateCustomerRequest& request,
                        const platform::RequestContext& rc, v1::Customer* response);

  // UpdateCustomer in `txn`: read, patch, check, write with its event.
  absl::Status Update(platform::Txn& txn, const v1::UpdateCustomerRequest& request,
                      const platform::RequestContext& rc, v1::Customer* response);

  absl::Status Search(const v1::SearchCustomersRequest& request,
                      v1::SearchCustomersResponse* response);

  // Adds the loyalty summary to a profile answer.
  absl::Status AddLoyalty(v1::Customer* customer) const;

  CustomersServiceDeps deps_;
  platform::Counter registered_;
  platform::Counter updated_;
};

}  // namespace crm::customers
