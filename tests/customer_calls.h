// Calls on the customers service as the gateway will make them: request metadata for
// Idempotency-Key, results as status plus response.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <string>

#include "crm/customers/v1/auth.grpc.pb.h"
#include "crm/customers/v1/customers.grpc.pb.h"

namespace crm::testing {

inline constexpr char kTestPassword[] = "correct horse battery";

// A valid registration for `email`.
inline customers::v1::CreateCustomerRequest Registration(const std::string& email) {
  customers::v1::CreateCustomerRequest request;
  request.set_email(email);
  request.set_password(kTestPassword);
  request.set_display_name("Test Customer");
  return request;
}

struct CallResult {
  grpc::Status status;
  customers::v1::Customer customer;
};

inline CallResult CreateCustomer(customers::v1::CustomersService::Stub& stub,
                                 const customers::v1::CreateCustomerRequest& request,
                                 const std::string& idempotency_key = "") {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
  CallResult result;
  result.status = stub.CreateCustomer(&context, request, &result.customer);
  return result;
}

// An access token for `email` (registered with kTestPassword), or "" when login failed.
inline std::string Login(const std::shared_ptr<grpc::Channel>& channel, const std::string& email,
                         const std::string& password = kTestPassword) {
  auto stub = customers::v1::AuthService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  customers::v1::LoginRequest request;
  request.set_email(email);
  request.set_password(password);
  customers::v1::TokenResponse response;
  return stub->Login(&context, request, &response).ok() ? response.access_token() : "";
}

inline CallResult GetCustomer(customers::v1::CustomersService::Stub& stub,
                              const std::string& customer_id, const std::string& token) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  customers::v1::GetCustomerRequest request;
  request.set_customer_id(customer_id);
  CallResult result;
  result.status = stub.GetCustomer(&context, request, &result.customer);
  return result;
}

}  // namespace crm::testing
