// crm-customers: the one customer record every department shares, and the accounts (customers
// and staff) that log in to it (it signs the access tokens every other process verifies).
#include "customers/config.h"
#include "customers/server.h"
#include "customers/store/customer_store.h"
#include "platform/base/signals.h"
#include "platform/runtime/runtime.h"

using namespace crm;

int main(int argc, char** argv) {
  platform::BlockTerminationSignals();
  platform::Flags flags("customers", argc, argv);
  platform::RuntimeOptions options = platform::RuntimeOptions::FromFlags(flags);
  customers::Config config = customers::Config::FromFlags(flags);
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
  if (absl::Status s = config.Check(); !s.ok()) return platform::ExitForFlags(s);
  options.service = "customers";
  options.column_families = customers::kColumnFamilies;

  auto runtime = platform::Runtime::Open(options);
  if (!runtime.ok()) return platform::ExitForStartup(runtime.status());
  auto server = customers::Server::Build(**runtime, config);
  if (!server.ok()) return platform::ExitForStartup(server.status());
  return (*runtime)->Serve((*server)->services());
}
