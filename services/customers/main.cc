// crm-customers: the one customer record every department shares.
#include "customers/api/customers_service.h"
#include "customers/store/customer_store.h"
#include "platform/runtime.h"
#include "platform/signals.h"

using namespace crm;

int main(int argc, char** argv) {
  platform::BlockTerminationSignals();
  platform::Flags flags("customers", argc, argv);
  platform::RuntimeOptions options = platform::RuntimeOptions::FromFlags(flags);
  customers::PasswordHashing hashing = customers::PasswordHashing::Interactive();
  hashing.mem_limit = static_cast<size_t>(
      flags.Int("argon2-memory-kib", hashing.mem_limit / 1024, "argon2id memory per hash, KiB",
                8, 4 * 1024 * 1024) * 1024);
  hashing.ops_limit = static_cast<unsigned long long>(
      flags.Int("argon2-passes", hashing.ops_limit, "argon2id passes", 1, 20));
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
  options.service = "customers";
  options.column_families = customers::kColumnFamilies;

  auto runtime = platform::Runtime::Open(options);
  if (!runtime.ok()) return platform::ExitForStartup(runtime.status());
  platform::Runtime& rt = **runtime;

  customers::CustomerStore customer_store(rt.store());
  customers::CustomersService service({.store = rt.store(),
                                       .customers = customer_store,
                                       .outbox = rt.outbox(),
                                       .idempotency = rt.idempotency(),
                                       .workers = rt.workers(),
                                       .clock = rt.clock(),
                                       .metrics = rt.metrics(),
                                       .hashing = hashing});
  return rt.Serve({&service});
}
