// The gateway in-process, over the test-only routes of tests/protos/crm/gatewaytest (a partner
// route, composed routes) and whatever real services a test adds, with fake services behind it
// that check their callers as real services do (the bearer token verified, then the RPC's access
// option). Test-only protos cannot reach the crm-gateway binary, which routes what crm_protos
// holds; the handler, server, authenticators and upstream channels here are the binary's own.
//
//   FakeServices fakes(TestIssuers());
//   InProcessGateway gateway({.upstreams = {{"gatewaytest", fakes.address()}}});
//   HttpCall(gateway.address(), "POST", "/v1/gatewaytest/partners/dhl/tracking-events", body,
//            SignedHeaders(...));
//
// Not thread-safe, but for what the gateway's threads call.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "crm/api/v1/partner_secrets.grpc.pb.h"
#include "crm/gatewaytest/v1/gatewaytest.grpc.pb.h"
#include "crm/gatewaytestother/v1/other.grpc.pb.h"
#include "gateway/auth/partner_authenticator.h"
#include "gateway/auth/partner_secrets.h"
#include "gateway/auth/partner_tokens.h"
#include "gateway/http/gateway_handler.h"
#include "gateway/http/http_server.h"
#include "gateway/routing/route_table.h"
#include "gateway/upstream/upstreams.h"
#include "harness.h"
#include "http_client.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/rpc/service_tokens.h"
#include "platform/testing/test_support.h"

namespace crm::testing {

// The time every fake and the gateway run on, unless a test moves it.
inline const absl::Time kTestNow = absl::FromUnixSeconds(1'800'000'000);

// The partner the fake owning service knows, and its two secrets (a rotation under way).
inline constexpr char kPartner[] = "dhl";
inline constexpr char kOldSecret[] = "old secret of dhl, 32 bytes long";
inline constexpr char kNewSecret[] = "new secret of dhl, 32 bytes long";

// The key pairs of one test run: the gateway's partner key (issuer crm/gateway), its service
// identity (crm/svc/gateway), another service's identity (crm/svc/orders) and the staff and
// customer tokens' issuer (crm/customers).
struct TestKeys {
  platform::KeyPair partner, gateway_identity, orders_identity, people;
};
const TestKeys& TestIssuerKeys();
// Issuer -> public key PEM of all four, as every service trusts them.
std::map<std::string, std::string> TestIssuers();

// A token of `issuer`'s key in TestIssuerKeys() for `subject` and `role`, valid 15 min from `now`.
std::string TestToken(absl::string_view issuer, const std::string& subject, const std::string& role,
                      absl::Time now = kTestNow);

// X-Partner-Id, X-Timestamp and X-Signature for a request, signed with `secret` (hex).
Headers SignedHeaders(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& secret, absl::Time at = kTestNow,
                      const std::string& partner = kPartner);

// The strings of the JSON list at `path` of `json` (as JsonField reads paths), in order.
std::vector<std::string> JsonStrings(const std::string& json, const std::string& path);

// The fake services of area "gatewaytest": the partner route's service, the secrets of its
// partners, and the parts of the composed thing overview; one in-process server.
class FakeServices {
 public:
  // `issuers`: the keys the fakes trust; `clock`: the time they check tokens on.
  explicit FakeServices(std::map<std::string, std::string> issuers,
                        const platform::Clock* clock = nullptr);
  ~FakeServices();

  const std::string& address() const { return address_; }

  // Reads of PartnerSecretService so far, and the subject of the last reader.
  int secret_reads() const { return secret_reads_.load(); }
  std::string secret_reader() const;
  // While true, the secrets service answers UNAVAILABLE.
  void SetSecretsDown(bool down) { secrets_down_ = down; }
  // The Authorization the last call to a part or the partner route carried.
  std::string last_authorization() const;
  // Finishes every held GetSlow call (OK).
  void ReleaseSlow();

  class Impl;

 private:
  struct Served;

  std::atomic<int> secret_reads_{0};
  std::atomic<bool> secrets_down_{false};
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<Served> served_;
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::string address_;
};

// crm.gatewaytestother.v1.OtherService (area "gatewaytestother"): score 42 for anyone.
class FakeOther {
 public:
  FakeOther();
  ~FakeOther();
  const std::string& address() const { return address_; }

 private:
  std::unique_ptr<gatewaytestother::v1::OtherService::CallbackService> service_;
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::string address_;
};

struct InProcessGatewayOptions {
  // Area -> "host:port".
  std::map<std::string, std::string> upstreams;
  // The routes: the test-only services, plus the real ones when asked.
  bool real_routes = false;
  // Trusted token issuers (issuer -> public PEM); default TestIssuers().
  std::map<std::string, std::string> issuers;
  // False: no partner key, so partner routes answer 503.
  bool partner_signatures = true;
  // The gateway's time; nullptr: a ManualClock at kTestNow, which clock() returns.
  const platform::Clock* clock = nullptr;
  absl::Duration deadline = absl::Seconds(5);
};

// GatewayHandler behind an HttpServer on a free loopback port.
class InProcessGateway {
 public:
  explicit InProcessGateway(InProcessGatewayOptions options);
  ~InProcessGateway();

  // "127.0.0.1:<port>".
  const std::string& address() const { return address_; }
  // The gateway's clock when the options named none.
  platform::ManualClock& clock() { return manual_clock_; }
  platform::Metrics& metrics() { return *metrics_; }

 private:
  platform::ManualClock manual_clock_{kTestNow};
  std::unique_ptr<platform::Metrics> metrics_ = platform::Metrics::InMemory();
  std::unique_ptr<gateway::RouteTable> routes_;
  std::unique_ptr<gateway::Upstreams> upstreams_;
  std::unique_ptr<platform::TokenVerifier> verifier_;
  std::unique_ptr<platform::ServiceTokens> identity_;
  std::unique_ptr<gateway::PartnerTokens> partner_tokens_;
  std::unique_ptr<gateway::PartnerSecrets> secrets_;
  std::unique_ptr<gateway::PartnerAuthenticator> partner_;
  std::unique_ptr<gateway::GatewayHandler> handler_;
  std::unique_ptr<gateway::HttpServer> server_;
  std::string address_;
};

}  // namespace crm::testing
