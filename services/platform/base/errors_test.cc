#include "platform/base/errors.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "platform/rpc/grpc_status.h"

namespace crm::platform {
namespace {

TEST_CASE("InvalidFields names every field at fault", "[errors]") {
  absl::Status s = InvalidFields({{"email", "is not a valid email address"},
                                  {"password", "must have at least 10 characters"}});
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("email is not a valid email address") != absl::string_view::npos);
  CHECK(s.message().find("password must have at least 10 characters") != absl::string_view::npos);

  api::v1::ErrorDetails details = DetailsOf(s);
  CHECK(details.reason() == "FIELD_INVALID");
  REQUIRE(details.field_violations_size() == 2);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(details.field_violations(0).description() == "is not a valid email address");
  CHECK(details.field_violations(1).field() == "password");
  CHECK(details.field_violations(1).description() == "must have at least 10 characters");
}

TEST_CASE("InvalidFields without violations is OK", "[errors]") { CHECK(InvalidFields({}).ok()); }

TEST_CASE("Error and Overloaded carry their reason", "[errors]") {
  absl::Status gone = Error(absl::StatusCode::kNotFound, "CUSTOMER_NOT_FOUND", "no such customer");
  CHECK(gone.code() == absl::StatusCode::kNotFound);
  CHECK(gone.message() == "no such customer");
  CHECK(DetailsOf(gone).reason() == "CUSTOMER_NOT_FOUND");
  CHECK(DetailsOf(gone).field_violations_size() == 0);

  absl::Status busy = Overloaded("password hashing");
  CHECK(busy.code() == absl::StatusCode::kUnavailable);
  CHECK(DetailsOf(busy).reason() == "OVERLOADED");
  CHECK(busy.message().find("password hashing") != absl::string_view::npos);
}

TEST_CASE("DetailsOf a plain absl status derives the reason from the code", "[errors]") {
  CHECK(DetailsOf(absl::NotFoundError("x")).reason() == "NOT_FOUND");
  CHECK(DetailsOf(absl::AbortedError("x")).reason() == "ABORTED");
  CHECK(DetailsOf(absl::UnavailableError("x")).reason() == "UNAVAILABLE");
  CHECK(DetailsOf(absl::InternalError("x")).reason() == "INTERNAL");
  CHECK(DetailsOf(absl::InvalidArgumentError("x")).reason() == "INVALID_ARGUMENT");
  CHECK(DetailsOf(absl::InvalidArgumentError("x")).field_violations_size() == 0);
}

TEST_CASE("ToGrpcStatus keeps code and message and reason and violations across the wire",
          "[errors][grpc]") {
  absl::Status s = InvalidFields({{"email", "is required"}, {"displayName", "is required"}});
  grpc::Status g = ToGrpcStatus(s);
  CHECK(g.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(g.error_message() == std::string(s.message()));

  // What a client sees after the status went through gRPC: code, message and details bytes.
  grpc::Status received(g.error_code(), g.error_message(), g.error_details());
  api::v1::ErrorDetails details = DetailsOf(received);
  CHECK(details.reason() == "FIELD_INVALID");
  REQUIRE(details.field_violations_size() == 2);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(details.field_violations(1).field() == "displayName");

  grpc::Status conflict = ToGrpcStatus(
      Error(absl::StatusCode::kFailedPrecondition, kReasonEtagMismatch, "etag is now v3"));
  CHECK(conflict.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(conflict.error_message() == "etag is now v3");
  CHECK(DetailsOf(conflict).reason() == "ETAG_MISMATCH");

  // A plain status still arrives with a reason.
  CHECK(DetailsOf(ToGrpcStatus(absl::NotFoundError("gone"))).reason() == "NOT_FOUND");
}

TEST_CASE("ToGrpcStatus keeps INTERNAL messages for the interceptor to log", "[errors][grpc]") {
  grpc::Status internal = ToGrpcStatus(absl::InternalError("rocksdb: /var/lib/crm/IO error"));
  CHECK(internal.error_code() == grpc::StatusCode::INTERNAL);
  CHECK(internal.error_message() == "rocksdb: /var/lib/crm/IO error");
  CHECK(DetailsOf(internal).reason() == "INTERNAL");
}

TEST_CASE("ToGrpcStatus of OK is OK and a status without details has no reason", "[errors][grpc]") {
  CHECK(ToGrpcStatus(absl::OkStatus()).ok());
  CHECK(DetailsOf(grpc::Status(grpc::StatusCode::NOT_FOUND, "from elsewhere")).reason().empty());
}

TEST_CASE("ToGrpcStatus bounds what grows with the input", "[errors][grpc]") {
  std::vector<FieldViolation> many;
  for (int i = 0; i < 300; ++i) {
    many.push_back(
        {absl::StrCat("interests[", i, "]", std::string(500, 'f')), std::string(1000, 'd')});
  }
  grpc::Status s =
      ToGrpcStatus(Error(absl::StatusCode::kInvalidArgument, "FIELD_INVALID",
                         absl::StrCat("updateMask names ", std::string(8000, 'x'), " \xc3\xa9")));
  CHECK(s.error_message().size() <= 512);
  grpc::Status fields = ToGrpcStatus(InvalidFields(many));
  api::v1::ErrorDetails details = DetailsOf(fields);
  CHECK(details.field_violations_size() == 20);
  CHECK(details.field_violations(0).field().size() <= 100);
  CHECK(details.field_violations(0).description().size() <= 160);
  CHECK(fields.error_details().size() + fields.error_message().size() < 6000);
  // A cut never splits a UTF-8 character.
  std::string accents;
  for (int i = 0; i < 400; ++i) accents += "\xc3\xa9";  // é, two bytes each
  std::string cut =
      ToGrpcStatus(Error(absl::StatusCode::kInvalidArgument, "FIELD_INVALID", accents))
          .error_message();
  REQUIRE(cut.size() <= 512);
  CHECK(cut.substr(cut.size() - 3) == "...");
  CHECK((cut.size() - 3) % 2 == 0);
}

}  // namespace
}  // namespace crm::platform
