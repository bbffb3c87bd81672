// The one translation from absl::Status to grpc::Status, used by every api/ handler, and back
// for clients (tests, service-to-service calls).
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "crm/api/v1/error.pb.h"

namespace crm::platform {

// Same code and message (bounded: an error travels in metadata); the ErrorDetails (reason, field
// violations) serialized into error_details. INTERNAL, UNKNOWN and DATA_LOSS messages are kept
// here: the RpcInterceptor, the one place every answer passes, logs them with the method and the
// request id and sends the client a generic text instead.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The code's name as in the gRPC spec: "OK", "INVALID_ARGUMENT", ...
std::string CodeName(grpc::StatusCode code);

// The ErrorDetails a server sent; empty reason when it sent none.
api::v1::ErrorDetails DetailsOf(const grpc::Status& status);

}  // namespace crm::platform
