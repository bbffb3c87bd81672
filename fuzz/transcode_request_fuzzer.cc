// JSON transcoding, request half (gateway/transcoding/request_builder.h): BuildRequest with the
// captures, query and body of an HTTP call into the real request message of a real route (the
// customers protos), the way GatewayHandler calls it.
//
// Input: "<METHOD> <path>[?<query>]\n<body>", e.g. "PATCH /v1/customers/c_1?x=1\n{...}". The
// route table picks the route and its captures, as it does for a request; a path no route
// matches is skipped. Checked besides "no crash": the outcome is OK or INVALID_ARGUMENT (a client
// mistake; INTERNAL would mean a real route is broken, a 500 for the client), and a built request
// survives a serialize/parse round trip.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "gateway/routing/route_table.h"
#include "gateway/transcoding/request_builder.h"
#include "google/protobuf/message.h"

namespace {

using crm::gateway::RouteMatch;
using crm::gateway::RouteTable;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const RouteTable& routes = crm::fuzz::RealRoutes();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  absl::string_view line = input.substr(0, newline);
  absl::string_view body =
      newline == absl::string_view::npos ? absl::string_view() : input.substr(newline + 1);
  size_t space = line.find(' ');
  if (space == absl::string_view::npos) return 0;
  absl::string_view method = line.substr(0, space);
  absl::string_view target = line.substr(space + 1);
  size_t question = target.find('?');
  absl::string_view path = target.substr(0, question);
  absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  RouteMatch match = routes.Find(method, path);
  if (match.kind != RouteMatch::Kind::kFound) return 0;
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(match.route->method->input_type())->New());
  absl::Status built = crm::gateway::BuildRequest(
      {.captures = match.captures, .query = query, .body = body, .body_field = match.route->body},
      request.get());
  FUZZ_CHECK(built.ok() || built.code() == absl::StatusCode::kInvalidArgument,
             "BuildRequest answered neither OK nor INVALID_ARGUMENT for a real route");
  if (built.ok()) {
    std::unique_ptr<google::protobuf::Message> again(request->New());
    FUZZ_CHECK(again->ParseFromString(request->SerializeAsString()),
               "a built request does not parse back");
  }
  return 0;
}
