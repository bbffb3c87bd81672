// crm-call: calls any RPC of any service with a JSON request, the way the gateway will, with no
// code per RPC: the method is looked up in the descriptors compiled into this binary, the JSON
// goes through protobuf's JSON mapping, and the call is a generic gRPC call.
//
//   crm-call 127.0.0.1:50051 crm.customers.v1.CustomersService/CreateCustomer
//       '{"email":"ann@example.com","password":"correct horse","displayName":"Ann"}'
//       -H idempotency-key:abc123                                  (one command line)
//
// Prints the JSON response on stdout; on error, the code, message and ErrorDetails on stderr
// and exit code 1. Exit code 2 for bad usage.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "platform/rpc/generic_call.h"
#include "platform/rpc/grpc_status.h"

namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

int Usage() {
  std::fprintf(stderr,
               "usage: crm-call <host:port> <package.Service/Method> [json] [-H name:value]...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Usage();
  std::string address = argv[1], full_method = argv[2], json = "{}";
  std::vector<std::pair<std::string, std::string>> metadata;
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-H" && i + 1 < argc) {
      std::string header = argv[++i];
      size_t colon = header.find(':');
      if (colon == std::string::npos) return Usage();
      metadata.emplace_back(header.substr(0, colon), header.substr(colon + 1));
    } else {
      json = arg;
    }
  }
  size_t slash = full_method.rfind('/');
  if (slash == std::string::npos) return Usage();
  const auto* service =
      DescriptorPool::generated_pool()->FindServiceByName(full_method.substr(0, slash));
  const auto* method = service ? service->FindMethodByName(full_method.substr(slash + 1)) : nullptr;
  if (!method) {
    std::fprintf(stderr, "unknown method %s\n", full_method.c_str());
    return 2;
  }
  MessageFactory* factory = MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(method->input_type())->New());
  std::unique_ptr<Message> response(factory->GetPrototype(method->output_type())->New());
  auto parsed = google::protobuf::util::JsonStringToMessage(json, request.get());
  if (!parsed.ok()) {
    std::fprintf(stderr, "bad request JSON: %s\n", parsed.ToString().c_str());
    return 2;
  }

  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  crm::platform::RawReply reply = crm::platform::CallRaw(
      channel, "/" + full_method, request->SerializeAsString(), absl::Seconds(10), metadata);
  if (!reply.status.ok()) {
    std::string details;
    (void)google::protobuf::util::MessageToJsonString(crm::platform::DetailsOf(reply.status),
                                                      &details);
    std::fprintf(stderr, "error %d: %s %s\n", reply.status.error_code(),
                 reply.status.error_message().c_str(), details.c_str());
    return 1;
  }
  if (!response->ParseFromString(reply.bytes)) {
    std::fprintf(stderr, "unreadable response\n");
    return 1;
  }
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  (void)google::protobuf::util::MessageToJsonString(*response, &text, options);
  std::printf("%s\n", text.c_str());
  return 0;
}
