#include "platform/runtime/rpc.h"

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "crm/platform/v1/dev_clock.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::InProcessServer;
using testing::TempDir;

constexpr char kThings[] = "things";

// DevClockService's two RPCs, answered by whatever shape each test puts in `set` and `get`:
// a real gRPC service whose handlers are written the way every service writes them.
class ShapedService : public platform::v1::DevClockService::CallbackService {
 public:
  std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*,
                                          const platform::v1::SetClockOffsetRequest*,
                                          platform::v1::ClockReading*)>
      set;

  grpc::ServerUnaryReactor* SetClockOffset(grpc::CallbackServerContext* context,
                                           const platform::v1::SetClockOffsetRequest* request,
                                           platform::v1::ClockReading* response) override {
    return set(context, request, response);
  }
};

struct World {
  TempDir dir;
  ManualClock clock{absl::FromUnixSeconds(1'700'000'000)};
  std::unique_ptr<Metrics> metrics = Metrics::InMemory();
  std::unique_ptr<Store> store = testing::OpenTestStore(dir.path(), {kThings});
  Timers timers{*store, clock, *metrics};
  Idempotency idempotency{*store, timers, clock};
  testing::KeyPair keys = testing::NewEs256Keys();
  TokenVerifier verifier =
      *TokenVerifier::Create({.issuers = {{"crm/customers", keys.public_pem}}, .audience = "crm"});
  WorkerPool workers{{.threads = 1, .queue_capacity = 1}};
  Rpc rpc{
      AccessControl(DescriptorOf<platform::v1::DevClockService>(), clock, {.verifier = &verifier}),
      {.store = *store, .idempotency = idempotency, .workers = workers}};
  ShapedService service;
  std::unique_ptr<InProcessServer> server;

  std::string AdminToken() {
    auto signer =
        TokenSigner::Create({.private_key_pem = keys.private_pem, .issuer = "crm/customers"});
    REQUIRE(signer.ok());
    auto token = signer->Sign({.subject = "st_admin",
                               .role = "admin",
                               .audience = "crm",
                               .issued_at = clock.Now(),
                               .not_before = clock.Now(),
                               .expires_at = clock.Now() + absl::Minutes(5)});
    REQUIRE(token.ok());
    return *token;
  }

  grpc::Status Call(platform::v1::ClockReading* reading, bool with_token = true) {
    if (!server) server = std::make_unique<InProcessServer>(std::vector<grpc::Service*>{&service});
    auto stub = platform::v1::DevClockService::NewStub(server->Channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (with_token) context.AddMetadata("authorization", "Bearer " + AdminToken());
    return stub->SetClockOffset(&context, platform::v1::SetClockOffsetRequest(), reading);
  }

  // The value at `key`, or "" when absent.
  std::string Thing(const std::string& key) {
    auto value = store->Get(store->cf(kThings), key);
    REQUIRE(value.ok());
    return value->value_or("");
  }
};

TEST_CASE("a transactional write commits what its step wrote, with the answer it filled", "[rpc]") {
  World w;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.Write(context, request, response,
                       {.write = [&, response](Txn& txn, const RequestContext& rc) {
                         REQUIRE(rc.method->name() == "SetClockOffset");
                         CHECK(rc.principal.subject == "st_admin");
                         response->mutable_now()->set_seconds(42);
                         return txn.Put(w.store->cf(kThings), "a", "written");
                       }});
  };
  platform::v1::ClockReading reading;
  grpc::Status status = w.Call(&reading);
  REQUIRE(status.ok());
  CHECK(reading.now().seconds() == 42);
  CHECK(w.Thing("a") == "written");
}

TEST_CASE("admission comes first: without a token no step runs", "[rpc]") {
  World w;
  bool ran = false;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.Write(context, request, response,
                       {.check =
                            [&] {
                              ran = true;
                              return absl::OkStatus();
                            },
                        .write =
                            [&](Txn&, const RequestContext&) {
                              ran = true;
                              return absl::OkStatus();
                            }});
  };
  platform::v1::ClockReading reading;
  grpc::Status status = w.Call(&reading, /*with_token=*/false);
  CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_FALSE(ran);
}

TEST_CASE("a failed check answers at once and the write never runs", "[rpc]") {
  World w;
  bool wrote = false;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.Write(context, request, response,
                       {.check =
                            [] {
                              return InvalidFields({{"offset", "is wrong"}});
                            },
                        .write =
                            [&](Txn&, const RequestContext&) {
                              wrote = true;
                              return absl::OkStatus();
                            }});
  };
  platform::v1::ClockReading reading;
  grpc::Status status = w.Call(&reading);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(DetailsOf(status).field_violations(0).field() == "offset");
  CHECK_FALSE(wrote);
}

TEST_CASE("a write that fails leaves nothing behind, unless it committed its part itself",
          "[rpc]") {
  World w;
  bool commit_first = false;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.Write(context, request, response,
                       {.write = [&](Txn& txn, const RequestContext&) -> absl::Status {
                         if (absl::Status s = txn.Put(w.store->cf(kThings), "b", "kept"); !s.ok()) {
                           return s;
                         }
                         if (commit_first) {
                           if (absl::Status s = txn.Commit(); !s.ok()) return s;
                         }
                         return absl::PermissionDeniedError("refused");
                       }});
  };
  platform::v1::ClockReading reading;
  CHECK(w.Call(&reading).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(w.Thing("b").empty());
  commit_first = true;
  CHECK(w.Call(&reading).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(w.Thing("b") == "kept");
}

TEST_CASE("a lock conflict starts the write over, up to the attempts allowed", "[rpc]") {
  World w;
  std::atomic<int> attempts = 0;
  int conflicts = 2;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.Write(context, request, response,
                       {.write = [&](Txn& txn, const RequestContext&) -> absl::Status {
                         // Each attempt sees a fresh transaction: what a conflicting attempt
                         // wrote is gone.
                         auto seen = txn.Get(w.store->cf(kThings), "c");
                         REQUIRE(seen.ok());
                         CHECK_FALSE(seen->has_value());
                         if (absl::Status s = txn.Put(w.store->cf(kThings), "c", "x"); !s.ok()) {
                           return s;
                         }
                         if (++attempts <= conflicts) return absl::AbortedError("contended");
                         return absl::OkStatus();
                       }});
  };
  platform::v1::ClockReading reading;
  REQUIRE(w.Call(&reading).ok());
  CHECK(attempts == 3);
  CHECK(w.Thing("c") == "x");

  attempts = 0;
  conflicts = 100;
  auto txn = w.store->Begin();
  REQUIRE(txn->Delete(w.store->cf(kThings), "c").ok());
  REQUIRE(txn->Commit().ok());
  CHECK(w.Call(&reading).error_code() == grpc::StatusCode::ABORTED);
  CHECK(attempts == kRequestAttempts);
  CHECK(w.Thing("c").empty());
}

TEST_CASE("a request waits briefly for a key another transaction holds, then starts over",
          "[rpc]") {
  World w;
  std::atomic<int> attempts = 0;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.Write(context, request, response,
                       {.write = [&](Txn& txn, const RequestContext&) -> absl::Status {
                         ++attempts;
                         auto locked = txn.GetForUpdate(w.store->cf(kThings), "d");
                         if (!locked.ok()) return locked.status();
                         return txn.Put(w.store->cf(kThings), "d", "request");
                       }});
  };
  // A consumer's transaction holds the key for a little longer than one lock wait.
  auto holder = w.store->Begin();
  REQUIRE(holder->GetForUpdate(w.store->cf(kThings), "d").ok());
  std::thread release([&] {
    absl::SleepFor(kRequestLockTimeout + absl::Milliseconds(100));
    REQUIRE(holder->Put(w.store->cf(kThings), "d", "holder").ok());
    REQUIRE(holder->Commit().ok());
  });
  platform::v1::ClockReading reading;
  grpc::Status status = w.Call(&reading);
  release.join();
  REQUIRE(status.ok());
  CHECK(attempts >= 2);
  CHECK(w.Thing("d") == "request");
}

TEST_CASE("a pooled write runs off the gRPC thread, and a full pool answers OVERLOADED", "[rpc]") {
  World w;
  std::thread::id handler_thread, write_thread;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    handler_thread = std::this_thread::get_id();
    return w.rpc.Write(context, request, response,
                       {.write =
                            [&](Txn& txn, const RequestContext&) {
                              write_thread = std::this_thread::get_id();
                              return txn.Put(w.store->cf(kThings), "e", "pooled");
                            },
                        .pooled = "test hashing"});
  };
  platform::v1::ClockReading reading;
  REQUIRE(w.Call(&reading).ok());
  CHECK(w.Thing("e") == "pooled");
  CHECK(write_thread != handler_thread);

  // One thread busy and the one queue place taken: the next is refused at once.
  absl::Notification started, release;
  REQUIRE(w.workers.Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  bool filled = w.workers.Submit([] {});
  grpc::Status status = filled ? w.Call(&reading) : grpc::Status::OK;
  // Released before any REQUIRE can end the test: the pool's thread must not stay blocked.
  release.Notify();
  REQUIRE(filled);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(DetailsOf(status).reason() == "OVERLOADED");
  CHECK(status.error_message().find("test hashing") != std::string::npos);
}

TEST_CASE("a call to another service ends before its write runs, which sees the outcome", "[rpc]") {
  World w;
  absl::Status outcome;
  std::thread::id caller_thread;
  w.service.set = [&](auto* context, auto* request, auto* response) {
    return w.rpc.CallThenWrite(
        context, request, response,
        {.call =
             [&](const RequestContext&, std::function<void(absl::Status)> done) {
               // Answered later, from another thread, as a gRPC client callback would.
               std::thread([&, done = std::move(done)] {
                 caller_thread = std::this_thread::get_id();
                 absl::SleepFor(absl::Milliseconds(20));
                 done(outcome);
               }).detach();
             },
         .write =
             [&](Txn& txn, const RequestContext&, const absl::Status& called) {
               CHECK(std::this_thread::get_id() != caller_thread);
               // This write decides: without the other service it goes on with defaults.
               return txn.Put(w.store->cf(kThings), "f", called.ok() ? "benefits" : "defaults");
             }});
  };
  platform::v1::ClockReading reading;
  REQUIRE(w.Call(&reading).ok());
  CHECK(w.Thing("f") == "benefits");
  outcome = absl::UnavailableError("customers is down");
  REQUIRE(w.Call(&reading).ok());
  CHECK(w.Thing("f") == "defaults");
}

// A service descriptor built here, so its options can be wrong on purpose.
// Two methods without options, taking the same request type.
const google::protobuf::ServiceDescriptor& WronglyDeclared(google::protobuf::DescriptorPool& pool) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("shapes_test.proto");
  file.set_package("crm.shapes.v1");
  file.set_syntax("proto3");
  file.add_message_type()->set_name("ARequest");
  file.add_message_type()->set_name("Reply");
  auto* service = file.add_service();
  service->set_name("Shapes");
  for (const std::string& method_name : {std::string("First"), std::string("Second")}) {
    auto* method = service->add_method();
    method->set_name(method_name);
    method->set_input_type(".crm.shapes.v1.ARequest");
    method->set_output_type(".crm.shapes.v1.Reply");
  }
  const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
  REQUIRE(built != nullptr);
  return *built->service(0);
}

TEST_CASE("a service whose methods have no access option, or share a request type, is refused",
          "[rpc]") {
  google::protobuf::DescriptorPool pool;
  const auto& service = WronglyDeclared(pool);
  ManualClock clock{absl::FromUnixSeconds(1'700'000'000)};
  AccessControl access(service, clock, {});
  REQUIRE(absl::IsFailedPrecondition(access.declarations()));
  std::string message(access.declarations().message());
  CHECK(message.find("First has no (crm.api.v1.access) option") != std::string::npos);
  CHECK(message.find("Second shares its request type crm.shapes.v1.ARequest") != std::string::npos);

  // Every real service of the platform declares rightly.
  CHECK(
      AccessControl(DescriptorOf<platform::v1::DevClockService>(), clock, {}).declarations().ok());
}

}  // namespace
}  // namespace crm::platform
