// Passwords through the gateway, as a frontend and the mailer see them: a change ends the other
// sessions and keeps the caller's; a reset answers 202 alike for every email, its token
// reaches the mailer sealed on crm.notifications.v1, works once and expires; repeated wrong
// passwords slow one account down with 429 and Retry-After.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/notifications.pb.h"
#include "crm/platform/v1/dev_clock.grpc.pb.h"
#include "customer_calls.h"
#include "harness.h"
#include "http_client.h"
#include "json_body.h"
#include "platform/events/topic_reader.h"
#include "platform/events/topics.h"
#include "platform/rpc/grpc_status.h"

namespace crm::testing {
namespace {

const Headers kJson = {{"Content-Type", "application/json"}};

Headers Bearer(const std::string& token) {
  return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

struct System {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  // Room for the timing samples below; the strict class itself is tested in identity_test.
  Gateway gateway{
      dir.path(), "customers=" + customers.grpc_address(), {"--rate-limit-strict", "1000/60s"}};

  HttpReply Post(const std::string& path, const std::string& body, const Headers& headers = kJson) {
    return HttpCall(gateway.address(), "POST", path, body, headers);
  }

  // Registers `email` with kTestPassword through the gateway; answers the customer id.
  std::string Register(const std::string& email) {
    HttpReply r =
        Post("/v1/customers", absl::StrCat(R"({"email":")", email, R"(","password":")",
                                           kTestPassword, R"(","displayName":"Ann Example"})"));
    REQUIRE(r.status == 201);
    return JsonField(r.body, "customerId");
  }

  HttpReply Login(const std::string& email, const std::string& password) {
    return Post("/v1/auth/login",
                absl::StrCat(R"({"email":")", email, R"(","password":")", password, R"("})"));
  }

  HttpReply GetCustomer(const std::string& id, const std::string& token) {
    return HttpCall(gateway.address(), "GET", "/v1/customers/" + id, "", Bearer(token));
  }

  // The reset messages the mailer has received so far, opened with its key.
  std::vector<events::v1::PasswordResetMessage> Mailbox() {
    std::vector<events::v1::PasswordResetMessage> messages;
    auto events = platform::ReadTopic(broker.bootstrap(),
                                      platform::TopicOf<events::v1::PasswordResetRequested>(),
                                      absl::Seconds(10));
    REQUIRE(events.ok());
    for (const auto& envelope : *events) {
      events::v1::PasswordResetRequested event;
      REQUIRE(envelope.payload().UnpackTo(&event));
      auto plain = TestMailerKeys().keys.Open(event.sealed_message());
      REQUIRE(plain.ok());
      events::v1::PasswordResetMessage message;
      REQUIRE(message.ParseFromString(*plain));
      messages.push_back(std::move(message));
    }
    return messages;
  }

  // Waits until the mailer has `count` messages; answers them.
  std::vector<events::v1::PasswordResetMessage> AwaitMail(size_t count) {
    std::vector<events::v1::PasswordResetMessage> messages;
    REQUIRE(WaitFor([&] { return (messages = Mailbox()).size() >= count; }, absl::Seconds(15)));
    return messages;
  }
};

TEST_CASE(
    "a password change through the gateway ends the other sessions and keeps the caller's: "
    "the token it holds still works",
    "[process][password]") {
  System s;
  std::string id = s.Register("ann@example.com");
  HttpReply here = s.Login("ann@example.com", kTestPassword);
  HttpReply elsewhere = s.Login("ann@example.com", kTestPassword);
  REQUIRE(here.status == 200);
  REQUIRE(elsewhere.status == 200);
  std::string old_token = JsonField(here.body, "accessToken");

  HttpReply wrong =
      s.Post("/v1/customers/" + id + "/password",
             R"({"currentPassword":"not my password","newPassword":"a much better passphrase"})",
             Bearer(old_token));
  CHECK(wrong.status == 400);
  CHECK(JsonField(wrong.body, "error.message").find("currentPassword") != std::string::npos);

  HttpReply changed = s.Post("/v1/customers/" + id + "/password",
                             absl::StrCat(R"({"currentPassword":")", kTestPassword,
                                          R"(","newPassword":"a much better passphrase"})"),
                             Bearer(old_token));
  INFO(changed.body);
  REQUIRE(changed.status == 204);

  // The caller's access token, made before the change, still reads the profile.
  CHECK(s.GetCustomer(id, old_token).status == 200);
  // The other session's: refused at the gateway (the service says why) and at the service.
  const std::string other_token = JsonField(elsewhere.body, "accessToken");
  HttpReply other = s.GetCustomer(id, other_token);
  CHECK(other.status == 401);
  CHECK(JsonField(other.body, "error.reason") == "TOKEN_REVOKED");
  auto stub = customers::v1::CustomersService::NewStub(s.customers.Channel());
  CHECK(platform::DetailsOf(GetCustomer(*stub, id, other_token).status).reason() ==
        "TOKEN_REVOKED");
  CHECK(s.Post("/v1/auth/refresh", absl::StrCat(R"({"refreshToken":")",
                                                JsonField(elsewhere.body, "refreshToken"), R"("})"))
            .status == 401);

  HttpReply refreshed =
      s.Post("/v1/auth/refresh",
             absl::StrCat(R"({"refreshToken":")", JsonField(here.body, "refreshToken"), R"("})"));
  REQUIRE(refreshed.status == 200);
  CHECK(s.GetCustomer(id, JsonField(refreshed.body, "accessToken")).status == 200);
  CHECK(s.GetCustomer(id, old_token).status == 200);
  CHECK(s.Login("ann@example.com", kTestPassword).status == 401);
  CHECK(s.Login("ann@example.com", "a much better passphrase").status == 200);
}

// Median of the request times, in microseconds.
double MedianMicros(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

TEST_CASE(
    "a password reset answers 202 alike for known and unknown emails - the mailer's token "
    "works once and expires",
    "[process][password]") {
  System s;
  std::string id = s.Register("ann@example.com");
  HttpReply session = s.Login("ann@example.com", kTestPassword);
  REQUIRE(session.status == 200);

  // The same answer, and the same work before it (one durable write), for both kinds of email.
  std::vector<double> known, unknown;
  for (int i = 0; i < 15; ++i) {
    for (bool is_known : {true, false}) {
      auto start = std::chrono::steady_clock::now();
      HttpReply r = s.Post("/v1/auth/password-reset",
                           is_known ? R"({"email":"Ann@Example.com"})"
                                    : absl::StrCat(R"({"email":"nobody)", i, R"(@example.com"})"));
      double micros =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count();
      REQUIRE(r.status == 202);
      CHECK(r.body == "{}");
      (is_known ? known : unknown).push_back(micros);
    }
  }
  double ratio = MedianMicros(known) / MedianMicros(unknown);
  INFO("median known " << MedianMicros(known) << " us, unknown " << MedianMicros(unknown) << " us");
  CHECK(ratio > 0.5);
  CHECK(ratio < 2.0);

  // Only the customer's requests reach the mailer: 15 messages, all for Ann, sealed.
  std::vector<events::v1::PasswordResetMessage> mail = s.AwaitMail(15);
  CHECK(mail.size() == 15);
  for (const auto& m : mail) CHECK(m.email() == "ann@example.com");
  std::string token = mail.back().token();

  HttpReply bad = s.Post("/v1/auth/password-reset:confirm",
                         absl::StrCat(R"({"token":")", token, R"(","newPassword":"short"})"));
  CHECK(bad.status == 400);
  HttpReply confirmed =
      s.Post("/v1/auth/password-reset:confirm",
             absl::StrCat(R"({"token":")", token, R"(","newPassword":"reset passphrase 1"})"));
  INFO(confirmed.body);
  REQUIRE(confirmed.status == 204);
  CHECK(s.Login("ann@example.com", "reset passphrase 1").status == 200);
  CHECK(s.GetCustomer(id, JsonField(session.body, "accessToken")).status == 401);

  HttpReply again =
      s.Post("/v1/auth/password-reset:confirm",
             absl::StrCat(R"({"token":")", token, R"(","newPassword":"reset passphrase 2"})"));
  CHECK(again.status == 400);
  CHECK(JsonField(again.body, "error.reason") == "RESET_TOKEN_INVALID");

  // A fresh token, then 31 minutes on the service's (dev) clock: expired.
  REQUIRE(s.Post("/v1/auth/password-reset", R"({"email":"ann@example.com"})").status == 202);
  std::string late = s.AwaitMail(16).back().token();
  {
    auto clock = platform::v1::DevClockService::NewStub(s.customers.Channel());
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Login(s.customers.Channel(), kTestAdminEmail,
                                                           kTestAdminPassword));
    platform::v1::SetClockOffsetRequest offset;
    *offset.mutable_offset() = google::protobuf::util::TimeUtil::SecondsToDuration(31 * 60);
    platform::v1::ClockReading reading;
    REQUIRE(clock->SetClockOffset(&context, offset, &reading).ok());
  }
  HttpReply expired =
      s.Post("/v1/auth/password-reset:confirm",
             absl::StrCat(R"({"token":")", late, R"(","newPassword":"reset passphrase 3"})"));
  CHECK(expired.status == 400);
  CHECK(JsonField(expired.body, "error.reason") == "RESET_TOKEN_INVALID");
  CHECK(s.Login("ann@example.com", "reset passphrase 1").status == 200);
}

TEST_CASE("repeated wrong passwords slow the account down: 429 with Retry-After",
          "[process][password]") {
  System s;
  s.Register("ann@example.com");
  // Five wrong passwords are free (the default), the sixth blocks the account for 2 s.
  for (int i = 0; i < 6; ++i) CHECK(s.Login("ann@example.com", "wrong password").status == 401);
  HttpReply blocked = s.Login("ann@example.com", kTestPassword);
  CHECK(blocked.status == 429);
  CHECK(JsonField(blocked.body, "error.reason") == "LOGIN_THROTTLED");
  CHECK(blocked.Header("retry-after") == "2");
  // Other accounts are not affected; the account itself recovers after the wait.
  s.Register("bo@example.com");
  CHECK(s.Login("bo@example.com", kTestPassword).status == 200);
  REQUIRE(WaitFor([&] { return s.Login("ann@example.com", kTestPassword).status == 200; },
                  absl::Seconds(10)));
}

}  // namespace
}  // namespace crm::testing
