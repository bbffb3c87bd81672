// crm.customers.v1.AddressService: a customer's address book (domain/address.h), stored as
// owned records "<customer id>/<address id>" in the column family "addresses". Every write
// locks the customer's record first, so the count (at most 20) and the one default cannot
// race. Creates honour Idempotency-Key. All work is bounded (a few reads, one synced commit):
// it runs inline on the gRPC thread. Thread-safe.
#pragma once

#include "crm/customers/v1/addresses.grpc.pb.h"
#include "customers/store/customer_store.h"
#include "platform/base/clock.h"
#include "platform/runtime/rpc.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::customers {

inline constexpr absl::string_view kAddressesCf = "addresses";

struct AddressServiceDeps {
  CustomerStore& customers;
  platform::OwnedRecords& addresses;
  const platform::Clock& clock;
  platform::Rpc rpc;
};

class AddressService : public v1::AddressService::CallbackService {
 public:
  explicit AddressService(AddressServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* CreateAddress(grpc::CallbackServerContext* context,
                                          const v1::CreateAddressRequest* request,
                                          v1::Address* response) override;
  grpc::ServerUnaryReactor* GetAddress(grpc::CallbackServerContext* context,
                                       const v1::GetAddressRequest* request,
                                       v1::Address* response) override;
  grpc::ServerUnaryReactor* ListAddresses(grpc::CallbackServerContext* context,
                                          const v1::ListAddressesRequest* request,
                                          v1::ListAddressesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAddress(grpc::CallbackServerContext* context,
                                          const v1::UpdateAddressRequest* request,
                                          v1::Address* response) override;
  grpc::ServerUnaryReactor* DeleteAddress(grpc::CallbackServerContext* context,
                                          const v1::DeleteAddressRequest* request,
                                          v1::DeleteAddressResponse* response) override;
  grpc::ServerUnaryReactor* MakeDefaultAddress(grpc::CallbackServerContext* context,
                                               const v1::MakeDefaultAddressRequest* request,
                                               v1::Address* response) override;

 private:
  absl::Status Create(platform::Txn& txn, const v1::CreateAddressRequest& request,
                      v1::Address* response);
  absl::Status Get(const v1::GetAddressRequest& request, v1::Address* response);
  absl::Status List(const v1::ListAddressesRequest& request, v1::ListAddressesResponse* response);
  absl::Status Update(platform::Txn& txn, const v1::UpdateAddressRequest& request,
                      absl::string_view if_match, v1::Address* response);
  absl::Status Delete(platform::Txn& txn, const v1::DeleteAddressRequest& request,
                      absl::string_view if_match);
  absl::Status MakeDefault(platform::Txn& txn, const v1::MakeDefaultAddressRequest& request,
                           v1::Address* response);

  // The customer's addresses as `txn` will write them: oldest first. Errors: INTERNAL.
  absl::StatusOr<std::vector<v1::Address>> All(absl::string_view customer_id) const;
  // Sets one address's default flag, read again under its lock, and fills `response`.
  absl::Status SetDefault(platform::Txn& txn, absl::string_view customer_id,
                          absl::string_view address_id, bool is_default, v1::Address* response);
  // Stores `address` one version up from `version` (0: new) and fills `response`.
  absl::Status Write(platform::Txn& txn, v1::Address address, uint64_t version,
                     v1::Address* response);

  AddressServiceDeps deps_;
};

}  // namespace crm::customers
