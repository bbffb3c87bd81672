#include "platform/rpc/rpc_interceptor.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "crm/platform/v1/dev_clock.grpc.pb.h"
#include "platform/base/metrics.h"
#include "platform/rpc/grpc_status.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

// A service whose only call fails inside, the way a broken disk would.
class Broken : public platform::v1::DevClockService::CallbackService {
  grpc::ServerUnaryReactor* GetClock(grpc::CallbackServerContext* context,
                                     const platform::v1::GetClockRequest*,
                                     platform::v1::ClockReading*) override {
    auto* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(absl::InternalError("rocksdb: /var/lib/crm/000012.log IO error")));
    return reactor;
  }
};

TEST_CASE("an internal error is logged with method and request id, and hidden from the client",
          "[rpc_interceptor]") {
  auto metrics = Metrics::InMemory();
  Broken service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<RpcInterceptorFactory>(*metrics));
  builder.experimental().SetInterceptorCreators(std::move(factories));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  REQUIRE(server != nullptr);
  auto stub = platform::v1::DevClockService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  grpc::Status status;
  std::string log = testing::CaptureStderr([&] {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "req-42");
    platform::v1::ClockReading reading;
    status = stub->GetClock(&context, {}, &reading);
  });
  server->Shutdown();

  CHECK(status.error_code() == grpc::StatusCode::INTERNAL);
  CHECK(status.error_message() == "internal error");
  CHECK(DetailsOf(status).reason() == "INTERNAL");
  INFO(log);
  CHECK(log.find(R"("msg":"internal error")") != std::string::npos);
  CHECK(log.find("/crm.platform.v1.DevClockService/GetClock") != std::string::npos);
  CHECK(log.find(R"("requestId":"req-42")") != std::string::npos);
  CHECK(log.find("000012.log IO error") != std::string::npos);
}

}  // namespace
}  // namespace crm::platform
