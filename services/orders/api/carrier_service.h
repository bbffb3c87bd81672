// crm.orders.v1.CarrierService and crm.api.v1.PartnerSecretService: partner carriers and their
// signing secrets (store/carrier_store.h). Admins put carriers with one or two secrets, kept in
// secret boxes under the service's key and never answered; the gateway reads a carrier's secrets
// through the internal PartnerSecretService to check its signed requests. Thread-safe.
#pragma once

#include "crm/api/v1/partner_secrets.grpc.pb.h"
#include "crm/orders/v1/carriers.grpc.pb.h"
#include "orders/store/carrier_store.h"
#include "platform/auth/sealed_box.h"
#include "platform/base/clock.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

inline constexpr int kMinSecretChars = 32;
inline constexpr int kMaxSecretChars = 128;

struct CarrierServiceDeps {
  CarrierStore& carriers;
  const platform::SecretBox& secrets;
  const platform::Clock& clock;
  platform::Rpc rpc;
  platform::Rpc partner_secret_rpc;
};

class CarrierService : public v1::CarrierService::CallbackService {
 public:
  explicit CarrierService(CarrierServiceDeps deps);

  grpc::ServerUnaryReactor* PutCarrier(grpc::CallbackServerContext* context,
                                       const v1::PutCarrierRequest* request,
                                       v1::Carrier* response) override;
  grpc::ServerUnaryReactor* GetCarrier(grpc::CallbackServerContext* context,
                                       const v1::GetCarrierRequest* request,
                                       v1::Carrier* response) override;

  // The gRPC service the gateway reads secrets from.
  grpc::Service* partner_secrets() { return &partner_secrets_; }

 private:
  class PartnerSecrets : public api::v1::PartnerSecretService::CallbackService {
   public:
    explicit PartnerSecrets(CarrierService& owner) : owner_(owner) {}
    grpc::ServerUnaryReactor* GetPartnerSecret(grpc::CallbackServerContext* context,
                                               const api::v1::GetPartnerSecretRequest* request,
                                               api::v1::PartnerSecret* response) override;

   private:
    CarrierService& owner_;
  };

  absl::Status Put(platform::Txn& txn, const v1::PutCarrierRequest& request,
                   absl::string_view if_match, v1::Carrier* response);
  absl::Status Secrets(absl::string_view carrier_id, api::v1::PartnerSecret* response) const;

  CarrierServiceDeps deps_;
  PartnerSecrets partner_secrets_;
};

}  // namespace crm::orders
