#include "orders/clients/customers_client.h"

#include <grpcpp/client_context.h>

#include <utility>

#include "platform/base/errors.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::orders {

CustomersClient::CustomersClient(const std::shared_ptr<grpc::Channel>& channel,
                                 platform::ServiceTokens* tokens, absl::Duration timeout)
    : stub_(customers::v1::LoyaltyService::NewStub(channel)), tokens_(tokens), timeout_(timeout) {}

void CustomersClient::GetCheckoutBenefits(
    const std::string& customer_id, const std::string& request_id,
    std::function<void(absl::StatusOr<CheckoutBenefits>)> done) const {
  struct Call {
    grpc::ClientContext context;
    customers::v1::GetCheckoutBenefitsRequest request;
    customers::v1::CheckoutBenefits response;
  };
  auto call = std::make_shared<Call>();
  call->request.set_customer_id(customer_id);
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  call->context.AddMetadata("x-request-id", request_id);
  if (tokens_ != nullptr) {
    for (const auto& [key, value] : tokens_->Metadata()) call->context.AddMetadata(key, value);
  }
  stub_->async()->GetCheckoutBenefits(
      &call->context, &call->request, &call->response,
      [call, done = std::move(done), request_id](grpc::Status status) {
        if (status.ok()) {
          const customers::v1::TierBenefits& benefits = call->response.benefits();
          done(CheckoutBenefits{.tier = customers::v1::TierBenefits::Tier_Name(benefits.tier()),
                                .free_express = benefits.free_express()});
          return;
        }
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
          done(platform::Error(absl::StatusCode::kNotFound, kReasonCustomerNotFound,
                               "no customer with this id"));
          return;
        }
        api::v1::ErrorDetails details = platform::DetailsOf(status);
        platform::LogWarning("customers did not answer checkout benefits",
                             {{"requestId", request_id},
                              {"code", platform::CodeName(status.error_code())},
                              {"reason", details.reason()}});
        done(platform::Error(absl::StatusCode::kUnavailable, kReasonCustomersUnavailable,
                             "the customers service cannot answer now; nothing was reserved: "
                             "retry with the same Idempotency-Key"));
      });
}

}  // namespace crm::orders
