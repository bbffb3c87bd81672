#include "gateway_fakes.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/auth/partner_signature.h"
#include "json_body.h"
#include "platform/auth/access.h"
#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"

namespace crm::testing {
namespace {

using gatewaytest::v1::FakePartnerService;
using gatewaytest::v1::FakePartsService;

platform::TokenVerifier VerifierOf(std::map<std::string, std::string> issuers) {
  auto verifier =
      platform::TokenVerifier::Create({.issuers = std::move(issuers), .audience = "crm"});
  REQUIRE(verifier.ok());
  return *std::move(verifier);
}

}  // namespace

const TestKeys& TestIssuerKeys() {
  static const TestKeys* keys =
      new TestKeys{platform::testing::NewEs256Keys(), platform::testing::NewEs256Keys(),
                   platform::testing::NewEs256Keys(), platform::testing::NewEs256Keys()};
  return *keys;
}

std::map<std::string, std::string> TestIssuers() {
  const TestKeys& keys = TestIssuerKeys();
  return {{std::string(platform::kGatewayIssuer), keys.partner.public_pem},
          {platform::ServiceIssuer("gateway"), keys.gateway_identity.public_pem},
          {platform::ServiceIssuer("orders"), keys.orders_identity.public_pem},
          {"crm/customers", keys.people.public_pem}};
}

std::string TestToken(absl::string_view issuer, const std::string& subject, const std::string& role,
                      absl::Time now) {
  const TestKeys& keys = TestIssuerKeys();
  const platform::KeyPair& pair =
      issuer == platform::kGatewayIssuer             ? keys.partner
      : issuer == platform::ServiceIssuer("gateway") ? keys.gateway_identity
      : issuer == platform::ServiceIssuer("orders")  ? keys.orders_identity
                                                     : keys.people;
  auto signer = platform::TokenSigner::Create(
      {.private_key_pem = pair.private_pem, .issuer = std::string(issuer)});
  REQUIRE(signer.ok());
  auto token = signer->Sign({.subject = subject,
                             .role = role,
                             .audience = "crm",
                             .issued_at = now,
                             .not_before = now,
                             .expires_at = now + absl::Minutes(15),
                             .session_id = "s_test"});
  REQUIRE(token.ok());
  return *token;
}

Headers SignedHeaders(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& secret, absl::Time at, const std::string& partner) {
  std::string timestamp = absl::StrCat(absl::ToUnixSeconds(at));
  return {{"Content-Type", "application/json"},
          {"X-Partner-Id", partner},
          {"X-Timestamp", timestamp},
          {"X-Signature", gateway::SignRequest(
                              secret, gateway::CanonicalRequest(method, target, timestamp, body))}};
}

std::vector<std::string> JsonStrings(const std::string& json, const std::string& path) {
  std::vector<std::string> out;
  for (int i = 0;; ++i) {
    std::string item = JsonField(json, absl::StrCat(path, ".", i));
    if (item.empty()) return out;
    out.push_back(item);
  }
}

// The fakes, each admitting its caller as a service does: the bearer token verified, then the
// RPC's access option applied to the request.
class FakeServices::Impl {
 public:
  Impl(std::map<std::string, std::string> issuers, const platform::Clock* clock)
      : verifier_(VerifierOf(std::move(issuers))), clock_(clock) {}

  // The caller's claims when it may make `method`'s call with `request`.
  absl::StatusOr<platform::TokenClaims> Admit(const grpc::CallbackServerContext& context,
                                              const google::protobuf::Message& request,
                                              absl::string_view method) {
    auto metadata = context.client_metadata().find("authorization");
    std::string authorization = metadata == context.client_metadata().end()
                                    ? ""
                                    : std::string(metadata->second.data(), metadata->second.size());
    {
      absl::MutexLock lock(&mu_);
      last_authorization_ = authorization;
    }
    if (!absl::StartsWith(authorization, "Bearer ")) {
      return platform::Error(absl::StatusCode::kUnauthenticated, "TOKEN_MISSING", "no token");
    }
    absl::Time now = clock_ != nullptr ? clock_->Now() : kTestNow;
    auto claims = verifier_.Verify(authorization.substr(7), now);
    if (!claims.ok()) return claims.status();
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(std::string(method));
    REQUIRE(descriptor != nullptr);
    absl::Status allowed = platform::Authorize(
        platform::AccessOf(*descriptor),
        {.authenticated = true, .subject = claims->subject, .role = claims->role}, request);
    if (!allowed.ok()) return allowed;
    return claims;
  }

  platform::TokenVerifier verifier_;
  const platform::Clock* clock_;
  mutable absl::Mutex mu_;
  std::string last_authorization_ ABSL_GUARDED_BY(mu_);
  std::string secret_reader_ ABSL_GUARDED_BY(mu_);
  std::vector<grpc::ServerUnaryReactor*> held_ ABSL_GUARDED_BY(mu_);
};

namespace {

// Answers `status` on the call's own reactor.
grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(platform::ToGrpcStatus(status));
  return reactor;
}

class Secrets : public api::v1::PartnerSecretService::CallbackService {
 public:
  Secrets(FakeServices::Impl& impl, std::atomic<int>& reads, std::atomic<bool>& down)
      : impl_(impl), reads_(reads), down_(down) {}

  grpc::ServerUnaryReactor* GetPartnerSecret(grpc::CallbackServerContext* context,
                                             const api::v1::GetPartnerSecretRequest* request,
                                             api::v1::PartnerSecret* response) override {
    ++reads_;
    auto caller =
        impl_.Admit(*context, *request, "crm.api.v1.PartnerSecretService.GetPartnerSecret");
    if (!caller.ok()) return Answer(context, caller.status());
    {
      absl::MutexLock lock(&impl_.mu_);
      impl_.secret_reader_ = caller->subject;
    }
    if (down_) return Answer(context, absl::UnavailableError("secrets store down"));
    if (request->partner_id() != kPartner) {
      return Answer(context, platform::Error(absl::StatusCode::kNotFound, "PARTNER_NOT_FOUND",
                                             "no such partner"));
    }
    response->add_secrets(kOldSecret);
    response->add_secrets(kNewSecret);
    return Answer(context, absl::OkStatus());
  }

 private:
  FakeServices::Impl& impl_;
  std::atomic<int>& reads_;
  std::atomic<bool>& down_;
};

class Partner : public FakePartnerService::CallbackService {
 public:
  explicit Partner(FakeServices::Impl& impl) : impl_(impl) {}

  grpc::ServerUnaryReactor* PostTrackingEvents(
      grpc::CallbackServerContext* context,
      const gatewaytest::v1::PostTrackingEventsRequest* request,
      gatewaytest::v1::PostTrackingEventsResponse* response) override {
    auto caller =
        impl_.Admit(*context, *request, "crm.gatewaytest.v1.FakePartnerService.PostTrackingEvents");
    if (!caller.ok()) return Answer(context, caller.status());
    for (const std::string& id : request->event_ids()) {
      if (id == "missing") {
        return Answer(context, platform::Error(absl::StatusCode::kNotFound, "NO_SUCH_EVENT",
                                               "no such event"));
      }
    }
    response->set_accepted(request->event_ids_size());
    response->set_subject(caller->subject);
    response->set_role(caller->role);
    response->set_issuer(caller->issuer);
    return Answer(context, absl::OkStatus());
  }

 private:
  FakeServices::Impl& impl_;
};

class Parts : public FakePartsService::CallbackService {
 public:
  explicit Parts(FakeServices::Impl& impl) : impl_(impl) {}

  grpc::ServerUnaryReactor* GetThing(grpc::CallbackServerContext* context,
                                     const gatewaytest::v1::GetThingOverviewRequest* request,
                                     gatewaytest::v1::Thing* response) override {
    auto caller = impl_.Admit(*context, *request, "crm.gatewaytest.v1.FakePartsService.GetThing");
    if (!caller.ok()) return Answer(context, caller.status());
    if (request->thing_id() == "missing") {
      return Answer(context, platform::Error(absl::StatusCode::kNotFound, "THING_NOT_FOUND",
                                             "no such thing"));
    }
    response->set_thing_id(request->thing_id());
    response->set_name("the thing");
    return Answer(context, absl::OkStatus());
  }

  grpc::ServerUnaryReactor* ListOrders(grpc::CallbackServerContext* context,
                                       const gatewaytest::v1::ListOrdersRequest* request,
                                       gatewaytest::v1::ListOrdersResponse* response) override {
    auto caller = impl_.Admit(*context, *request, "crm.gatewaytest.v1.FakePartsService.ListOrders");
    if (!caller.ok()) return Answer(context, caller.status());
    for (const char* id : {"o_1", "o_2"}) {
      response->add_orders()->set_order_id(absl::StrCat(id, "_of_", request->owner_id()));
    }
    response->set_next_page_token("not taken");
    return Answer(context, absl::OkStatus());
  }

  grpc::ServerUnaryReactor* GetSlow(grpc::CallbackServerContext* context,
                                    const gatewaytest::v1::SlowRequest*,
                                    gatewaytest::v1::Thing* response) override {
    response->set_name("too late");
    absl::MutexLock lock(&impl_.mu_);
    impl_.held_.push_back(context->DefaultReactor());
    return impl_.held_.back();
  }

  grpc::ServerUnaryReactor* GetFailing(grpc::CallbackServerContext* context,
                                       const gatewaytest::v1::FailingRequest*,
                                       gatewaytest::v1::Thing*) override {
    return Answer(context, absl::UnavailableError("this part always fails"));
  }

 private:
  FakeServices::Impl& impl_;
};

class Other : public gatewaytestother::v1::OtherService::CallbackService {
  grpc::ServerUnaryReactor* GetScore(grpc::CallbackServerContext* context,
                                     const gatewaytestother::v1::GetScoreRequest*,
                                     gatewaytestother::v1::Score* response) override {
    response->set_score(42);
    return Answer(context, absl::OkStatus());
  }
};

}  // namespace

// The services of one FakeServices, owned together.
struct FakeServices::Served {
  Secrets secrets;
  Partner partner;
  Parts parts;
};

FakeServices::FakeServices(std::map<std::string, std::string> issuers, const platform::Clock* clock)
    : impl_(std::make_unique<Impl>(std::move(issuers), clock)),
      served_(new Served{Secrets(*impl_, secret_reads_, secrets_down_), Partner(*impl_),
                         Parts(*impl_)}) {
  server_ = std::make_unique<platform::testing::InProcessServer>(
      std::vector<grpc::Service*>{&served_->secrets, &served_->partner, &served_->parts});
  address_ = server_->address();
}

FakeServices::~FakeServices() {
  ReleaseSlow();
  server_.reset();
}

std::string FakeServices::secret_reader() const {
  absl::MutexLock lock(&impl_->mu_);
  return impl_->secret_reader_;
}

std::string FakeServices::last_authorization() const {
  absl::MutexLock lock(&impl_->mu_);
  return impl_->last_authorization_;
}

void FakeServices::ReleaseSlow() {
  std::vector<grpc::ServerUnaryReactor*> held;
  {
    absl::MutexLock lock(&impl_->mu_);
    held.swap(impl_->held_);
  }
  for (grpc::ServerUnaryReactor* reactor : held) reactor->Finish(grpc::Status::OK);
}

FakeOther::FakeOther() : service_(std::make_unique<Other>()) {
  server_ = std::make_unique<platform::testing::InProcessServer>(
      std::vector<grpc::Service*>{service_.get()});
  address_ = server_->address();
}

FakeOther::~FakeOther() = default;

InProcessGateway::InProcessGateway(InProcessGatewayOptions options) {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  if (options.real_routes) services = gateway::RouteTable::GeneratedServices();
  const google::protobuf::FileDescriptor* file =
      gatewaytest::v1::ThingOverview::descriptor()->file();
  for (const char* name :
       {"FakePartnerService", "FakeOverviewService", "ComposedOverviewService"}) {
    services.push_back(file->FindServiceByName(name));
  }
  auto routes = gateway::RouteTable::Build(services);
  INFO(routes.status().ToString());
  REQUIRE(routes.ok());
  routes_ = std::make_unique<gateway::RouteTable>(*std::move(routes));
  upstreams_ = std::make_unique<gateway::Upstreams>(options.upstreams, 1);
  if (options.issuers.empty()) options.issuers = TestIssuers();
  verifier_ = std::make_unique<platform::TokenVerifier>(VerifierOf(options.issuers));
  const platform::Clock& clock = options.clock != nullptr ? *options.clock : manual_clock_;

  gateway::GatewayOptions gateway_options;
  gateway_options.deadline = options.deadline;
  gateway_options.verifier = verifier_.get();
  gateway_options.clock = &clock;
  if (options.partner_signatures) {
    auto identity = platform::ServiceTokens::Create(
        {.service = "gateway", .private_key_pem = TestIssuerKeys().gateway_identity.private_pem},
        clock);
    REQUIRE(identity.ok());
    identity_ = std::move(*identity);
    auto tokens = gateway::PartnerTokens::Create(
        {.private_key_pem = TestIssuerKeys().partner.private_pem}, clock);
    REQUIRE(tokens.ok());
    partner_tokens_ = std::move(*tokens);
    secrets_ = std::make_unique<gateway::PartnerSecrets>(*upstreams_, identity_.get(), clock);
    partner_ = std::make_unique<gateway::PartnerAuthenticator>(
        *secrets_, *partner_tokens_, clock,
        gateway::PartnerAuthenticatorOptions{.metrics = metrics_.get()});
    gateway_options.partner_signature = partner_.get();
  }
  handler_ = std::make_unique<gateway::GatewayHandler>(*routes_, *upstreams_, *metrics_,
                                                       std::move(gateway_options));
  server_ = std::make_unique<gateway::HttpServer>(
      gateway::HttpServerOptions{.address = "127.0.0.1", .port = 0, .threads = 2}, *handler_);
  REQUIRE(server_->Start().ok());
  handler_->SetReady(true);
  address_ = absl::StrCat("127.0.0.1:", server_->port());
}

InProcessGateway::~InProcessGateway() { server_->Stop(absl::Seconds(5)); }

}  // namespace crm::testing
