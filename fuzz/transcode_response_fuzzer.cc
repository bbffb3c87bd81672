// JSON transcoding, response half (gateway/transcoding/response_writer.h): what the gateway does
// with a service's answer. The answer is the route's real response type parsed from arbitrary
// wire bytes, then written as JSON (ResponseJson), its ETag read (EtagOf) and, for routes that
// create, its Location built (ExpandPath over the route that reads it back).
//
// Input: one byte picking the route (index modulo the number of routes), then the serialized
// response. Checked besides "no crash": ResponseJson answers OK or INTERNAL, and a Location is a
// path the reading route's template matches.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "gateway/routing/route_table.h"
#include "gateway/transcoding/response_writer.h"
#include "google/protobuf/message.h"

namespace {

using crm::gateway::Route;
using crm::gateway::RouteTable;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const RouteTable& routes = crm::fuzz::RealRoutes();
  if (size == 0) return 0;
  const Route& route = *routes.routes()[data[0] % routes.routes().size()];
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> reply(
      factory->GetPrototype(route.method->output_type())->New());
  // As GatewayHandler::Complete: an unreadable answer is a 502, nothing more to do.
  if (!reply->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;

  absl::StatusOr<std::string> json = crm::gateway::ResponseJson(*reply);
  FUZZ_CHECK(json.ok() || json.status().code() == absl::StatusCode::kInternal,
             "ResponseJson answered neither OK nor INTERNAL");
  std::string etag = crm::gateway::EtagOf(*reply);
  (void)etag;
  if (route.location != nullptr) {
    std::optional<std::string> location =
        crm::gateway::ExpandPath(route.location->path.text(), *reply);
    if (location) {
      FUZZ_CHECK(route.location->path.Matches(*location),
                 "a Location the reading route does not match");
    }
  }
  return 0;
}
