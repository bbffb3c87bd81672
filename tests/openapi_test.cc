// The OpenAPI document a frontend developer reads: served by the real gateway at
// /openapi.json, accepted by a standard linter (@redocly/cli from npm), and rendered at /docs
// by Swagger UI in a real headless Chromium with one operation per route of the route table.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "gateway/routing/route_table.h"
#include "harness.h"
#include "http_client.h"

namespace crm::testing {
namespace {

const std::string kWebTools = std::string(CRM_SOURCE_DIR) + "/tools/web";

// Runs `command`; answers its exit code and puts stdout and stderr in `output`.
int Run(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

size_t RouteCount() {
  auto routes = gateway::RouteTable::Build(gateway::RouteTable::GeneratedServices());
  REQUIRE(routes.ok());
  return routes->routes().size();
}

size_t OperationCount(const std::string& json) {
  google::protobuf::Struct document;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &document).ok());
  size_t operations = 0;
  for (const auto& [path, item] : document.fields().at("paths").struct_value().fields()) {
    for (const char* method : {"get", "put", "post", "delete", "patch"}) {
      operations += item.struct_value().fields().count(method);
    }
  }
  return operations;
}

TEST_CASE("/openapi.json documents every route and passes the linter", "[process][openapi]") {
  TempDir dir;
  // The document needs no live service behind the gateway.
  Gateway gateway(dir.path(), "customers=127.0.0.1:1");
  HttpReply reply = HttpCall(gateway.address(), "GET", "/openapi.json");
  REQUIRE(reply.status == 200);
  CHECK(reply.Header("content-type") == "application/json");
  CHECK(OperationCount(reply.body) == RouteCount());

  std::string file = dir.path() + "/openapi.json";
  std::ofstream(file) << reply.body;
  std::string output;
  int lint = Run(kWebTools + "/node_modules/.bin/redocly lint --format=stylish " + file, &output);
  INFO(output);
  CHECK(lint == 0);
}

TEST_CASE("/docs renders one operation per route in headless Chromium", "[process][openapi]") {
  TempDir dir;
  Gateway gateway(dir.path(), "customers=127.0.0.1:1",
                  {"--docs-dir", kWebTools + "/node_modules/swagger-ui-dist"});
  std::string output;
  int rendered =
      Run("node " + std::string(CRM_SOURCE_DIR) + "/tests/web/count_rendered_operations.cjs " +
              kWebTools + " http://" + gateway.address() + "/docs",
          &output);
  INFO(output);
  REQUIRE(rendered == 0);
  CHECK(std::stoul(output) == RouteCount());
}

}  // namespace
}  // namespace crm::testing
