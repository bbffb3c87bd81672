// The whole main of a service, the same for every one: flags (the platform's and the service's
// Config), the Runtime, the service's Server, Serve until SIGTERM.
//
//   int main(int argc, char** argv) {
//     return crm::platform::ServeMain<crm::orders::Config, crm::orders::Server>(
//         "orders", crm::orders::kColumnFamilies, argc, argv);
//   }
//
// `Config` has `static Config FromFlags(Flags&)` and `absl::Status Check()` (what flags alone
// cannot check; INVALID_ARGUMENT naming the flag). `Server` has
// `static absl::StatusOr<std::unique_ptr<Server>> Build(Runtime&, const Config&)` and
// `std::vector<grpc::Service*> services()`. Exit codes: 0 after a clean shutdown, 2 for bad
// flags (0 for --help), 1 when the start fails (the reason in the log).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "platform/base/flags.h"
#include "platform/base/process.h"
#include "platform/base/signals.h"
#include "platform/runtime/runtime.h"

namespace crm::platform {

template <typename Config, typename Server>
int ServeMain(absl::string_view service, const std::vector<std::string>& column_families, int argc,
              char** argv) {
  BlockTerminationSignals();
  Flags flags(service, argc, argv);
  RuntimeOptions options = RuntimeOptions::FromFlags(flags);
  Config config = Config::FromFlags(flags);
  if (absl::Status s = flags.Finish(); !s.ok()) return ExitForFlags(s);
  if (absl::Status s = config.Check(); !s.ok()) return ExitForFlags(s);
  options.service = std::string(service);
  options.column_families = column_families;

  auto runtime = Runtime::Open(options);
  if (!runtime.ok()) return ExitForStartup(runtime.status());
  auto server = Server::Build(**runtime, config);
  if (!server.ok()) return ExitForStartup(server.status());
  return (*runtime)->Serve((*server)->services());
}

}  // namespace crm::platform
