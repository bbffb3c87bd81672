// crm-grpc-load: a closed-loop load generator for one RPC, called directly over gRPC with the
// same generic call the gateway uses, so a benchmark can compare "through the gateway" with
// "straight to the service".
//
//   crm-grpc-load --target 127.0.0.1:50051
//     --method crm.customers.v1.CustomersService/GetCustomer
//     --request '{"customerId":"c_..."}' --bearer <access token> --connections 64 --seconds 10
//
// Prints requests/s, p50 and p99 latency in ms, and the errors seen.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "crm/proto_files.h"
#include "platform/base/flags.h"
#include "platform/rpc/generic_call.h"
#include "platform/runtime/runtime.h"

namespace crm::bench {
namespace {

// One of `connections` callers: issues the next call when the previous one answered.
class Loop {
 public:
  Loop(grpc::GenericStub& stub, std::string method, std::string request,
       platform::CallMetadata metadata, absl::Time end)
      : stub_(stub),
        method_(std::move(method)),
        request_(std::move(request)),
        metadata_(std::move(metadata)),
        end_(end) {}

  void Start() { Next(); }
  void Wait() { done_.WaitForNotification(); }
  const std::vector<double>& latencies_ms() const { return latencies_; }
  int errors() const { return errors_; }

 private:
  void Next() {
    if (absl::Now() >= end_) {
      done_.Notify();
      return;
    }
    absl::Time start = absl::Now();
    platform::CallRawAsync(
        stub_, method_, request_, absl::Seconds(5), metadata_,
        [this, start](platform::RawReply reply) {
          if (reply.status.ok()) {
            latencies_.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
          } else {
            ++errors_;
          }
          Next();
        });
  }

  grpc::GenericStub& stub_;
  const std::string method_;
  const std::string request_;
  const platform::CallMetadata metadata_;
  const absl::Time end_;
  std::vector<double> latencies_;
  int errors_ = 0;
  absl::Notification done_;
};

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm;
  platform::Flags flags("bench", argc, argv);
  std::string target = flags.RequiredString("target", "host:port of the service");
  std::string method = flags.RequiredString("method", "package.Service/Method");
  std::string json = flags.String("request", "{}", "the request as JSON");
  int64_t connections = flags.Int("connections", 64, "calls in flight at once", 1, 10000);
  int64_t channels = flags.Int("channels", 2, "HTTP/2 connections to spread them over", 1, 64);
  int64_t seconds = flags.Int("seconds", 10, "duration", 1, 3600);
  std::string bearer = flags.String("bearer", "", "access token sent as authorization: Bearer");
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);

  // Every service compiled into crm_protos, loaded by name: this also keeps the shared library
  // linked, which nothing else here would (the load calls are generic).
  for (const std::string& file : crm::ProtoFiles()) {
    google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file);
  }
  size_t slash = method.rfind('/');
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      method.substr(0, slash));
  const auto* rpc = service && slash != std::string::npos
                        ? service->FindMethodByName(method.substr(slash + 1))
                        : nullptr;
  if (!rpc) {
    std::fprintf(stderr, "unknown method %s\n", method.c_str());
    return 2;
  }
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(rpc->input_type())
          ->New());
  if (!google::protobuf::util::JsonStringToMessage(json, request.get()).ok()) {
    std::fprintf(stderr, "bad --request JSON\n");
    return 2;
  }
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // distinct channels, distinct connections
    stubs.push_back(std::make_unique<grpc::GenericStub>(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)));
  }
  absl::Time start = absl::Now();
  absl::Time end = start + absl::Seconds(seconds);
  std::vector<std::unique_ptr<bench::Loop>> loops;
  for (int i = 0; i < connections; ++i) {
    platform::CallMetadata metadata;
    if (!bearer.empty()) metadata.push_back({"authorization", "Bearer " + bearer});
    loops.push_back(std::make_unique<bench::Loop>(*stubs[i % channels], "/" + method,
                                                  request->SerializeAsString(), std::move(metadata),
                                                  end));
  }
  for (auto& loop : loops) loop->Start();
  std::vector<double> all;
  int errors = 0;
  for (auto& loop : loops) {
    loop->Wait();
    all.insert(all.end(), loop->latencies_ms().begin(), loop->latencies_ms().end());
    errors += loop->errors();
  }
  double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf("requests/s %.0f  p50_ms %.3f  p99_ms %.3f  ok %zu  errors %d\n",
              static_cast<double>(all.size()) / elapsed, pct(0.50), pct(0.99), all.size(), errors);
  return errors > 0 && all.empty() ? 1 : 0;
}
