#include "grpc_status.h"

#include "errors.h"

namespace crm::platform {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    message = "internal error";
  }
  return grpc::Status(code, message, DetailsOf(status).SerializeAsString());
}

api::v1::ErrorDetails DetailsOf(const grpc::Status& status) {
  api::v1::ErrorDetails details;
  details.ParseFromString(status.error_details());
  return details;
}

}  // namespace crm::platform
