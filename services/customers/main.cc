// crm-customers: the one customer record every department shares, and the accounts (customers
// and staff) that log in to it (it signs the access tokens every other process verifies).
#include "customers/config.h"
#include "customers/server.h"
#include "customers/store/customer_store.h"
#include "platform/runtime/serve_main.h"

int main(int argc, char** argv) {
  return crm::platform::ServeMain<crm::customers::Config, crm::customers::Server>(
      "customers", crm::customers::kColumnFamilies, argc, argv);
}
