// The customers service as the orders service calls it: a customer's checkout benefits at the
// moment of purchase (crm.customers.v1.LoyaltyService/GetCheckoutBenefits), asked with the
// orders service's own service token. Asynchronous: no thread waits on the network.
//
//   client.GetCheckoutBenefits(customer_id, rc.request_id,
//                              [](absl::StatusOr<CheckoutBenefits> benefits) { ... });
//
// Thread-safe.
#pragma once

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/customers/v1/loyalty.grpc.pb.h"
#include "orders/domain/order.h"
#include "orders/domain/reasons.h"
#include "platform/rpc/service_tokens.h"

namespace crm::orders {

class CustomersClient {
 public:
  // `tokens` may be null (no --service-private-key): calls then go without a token and customers
  // refuses them, which answers CUSTOMERS_UNAVAILABLE.
  CustomersClient(const std::shared_ptr<grpc::Channel>& channel, platform::ServiceTokens* tokens,
                  absl::Duration timeout);

  // Starts the call; `done` runs once, on a gRPC thread, with the benefits, or NOT_FOUND
  // (CUSTOMER_NOT_FOUND) when customers does not know the customer, or UNAVAILABLE
  // (CUSTOMERS_UNAVAILABLE) for anything else (down, late, refusing).
  void GetCheckoutBenefits(const std::string& customer_id, const std::string& request_id,
                           std::function<void(absl::StatusOr<CheckoutBenefits>)> done) const;

 private:
  std::unique_ptr<customers::v1::LoyaltyService::Stub> stub_;
  platform::ServiceTokens* tokens_;
  absl::Duration timeout_;
};

}  // namespace crm::orders
