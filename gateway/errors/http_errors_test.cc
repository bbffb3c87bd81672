#include "gateway/errors/http_errors.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {
namespace {

grpc::Status WithReason(grpc::StatusCode code, const std::string& reason) {
  api::v1::ErrorDetails details;
  details.set_reason(reason);
  return grpc::Status(code, "m", details.SerializeAsString());
}

TEST_CASE("HTTP status by reason first, then by gRPC code", "[http_errors]") {
  CHECK(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION, "ETAG_MISMATCH") == 412);
  CHECK(HttpStatusFor(grpc::StatusCode::OUT_OF_RANGE, "BATCH_TOO_LARGE") == 413);
  CHECK(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION, "IDEMPOTENCY_KEY_REUSED") == 422);
  CHECK(HttpStatusFor(grpc::StatusCode::ABORTED, "IDEMPOTENCY_IN_PROGRESS") == 409);
  CHECK(HttpStatusFor(grpc::StatusCode::UNAVAILABLE, "OVERLOADED") == 503);
  CHECK(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT, "FIELD_INVALID") == 400);
  CHECK(HttpStatusFor(grpc::StatusCode::UNAUTHENTICATED, "") == 401);
  CHECK(HttpStatusFor(grpc::StatusCode::PERMISSION_DENIED, "") == 403);
  CHECK(HttpStatusFor(grpc::StatusCode::NOT_FOUND, "CUSTOMER_NOT_FOUND") == 404);
  CHECK(HttpStatusFor(grpc::StatusCode::ALREADY_EXISTS, "EMAIL_TAKEN") == 409);
  CHECK(HttpStatusFor(grpc::StatusCode::ABORTED, "") == 409);
  CHECK(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION, "") == 409);
  CHECK(HttpStatusFor(grpc::StatusCode::RESOURCE_EXHAUSTED, "") == 429);
  CHECK(HttpStatusFor(grpc::StatusCode::UNAVAILABLE, "") == 503);
  CHECK(HttpStatusFor(grpc::StatusCode::DEADLINE_EXCEEDED, "") == 504);
  CHECK(HttpStatusFor(grpc::StatusCode::INTERNAL, "") == 500);
  CHECK(HttpStatusFor(grpc::StatusCode::DATA_LOSS, "") == 500);
}

TEST_CASE("a service's error keeps its reason and fields - internals never leak", "[http_errors]") {
  grpc::Status invalid =
      platform::ToGrpcStatus(platform::InvalidFields({{"email", "is not a valid email address"}}));
  HttpError e = FromGrpc(invalid);
  CHECK(e.http_status == 400);
  CHECK(e.status == "INVALID_ARGUMENT");
  CHECK(e.details.reason() == "FIELD_INVALID");
  REQUIRE(e.details.field_violations_size() == 1);
  CHECK(e.details.field_violations(0).field() == "email");

  HttpError internal =
      FromGrpc(grpc::Status(grpc::StatusCode::INTERNAL, "rocksdb: corruption at /var/x"));
  CHECK(internal.http_status == 500);
  CHECK(internal.message == "internal error");

  HttpError down =
      FromGrpc(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connect failed 127.0.0.1:1"));
  CHECK(down.http_status == 503);
  CHECK(down.details.reason() == "SERVICE_UNAVAILABLE");
  CHECK(down.message.find("127.0.0.1") == std::string::npos);

  CHECK(FromGrpc(WithReason(grpc::StatusCode::UNAVAILABLE, "OVERLOADED")).http_status == 503);
  HttpError late = FromGrpc(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"));
  CHECK(late.http_status == 504);
  CHECK(late.details.reason() == "DEADLINE_EXCEEDED");
}

TEST_CASE("the error JSON has API.md's shape", "[http_errors]") {
  HttpError e = FromGrpc(platform::ToGrpcStatus(
      platform::InvalidFields({{"lines[0].quantity", "must be > 0"}, {"email", "is \"bad\""}})));
  std::string json = ErrorJson(e, "req-1");
  google::protobuf::Struct parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  const auto& error = parsed.fields().at("error").struct_value().fields();
  CHECK(error.at("code").number_value() == 400);
  CHECK(error.at("status").string_value() == "INVALID_ARGUMENT");
  CHECK(error.at("reason").string_value() == "FIELD_INVALID");
  CHECK(error.at("requestId").string_value() == "req-1");
  const auto& violations = error.at("fieldViolations").list_value();
  REQUIRE(violations.values_size() == 2);
  CHECK(violations.values(0).struct_value().fields().at("field").string_value() ==
        "lines[0].quantity");
  CHECK(violations.values(1).struct_value().fields().at("description").string_value() ==
        "is \"bad\"");

  std::string bare =
      ErrorJson(GatewayError(404, grpc::StatusCode::NOT_FOUND, "ROUTE_NOT_FOUND", "no route"), "r");
  CHECK(bare.find("fieldViolations") == std::string::npos);
}

TEST_CASE("gRPC's own RESOURCE_EXHAUSTED is a 502, a service's rate limit a 429", "[http_errors]") {
  HttpError limit = FromGrpc(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                          "received initial metadata size exceeds limit"));
  CHECK(limit.http_status == 502);
  CHECK(limit.details.reason() == "BAD_UPSTREAM_REPLY");
  CHECK(FromGrpc(WithReason(grpc::StatusCode::RESOURCE_EXHAUSTED, "LOGIN_THROTTLED")).http_status ==
        429);
}

}  // namespace
}  // namespace crm::gateway
