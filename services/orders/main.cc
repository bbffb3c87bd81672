// crm-orders: the price list today; orders, stock across warehouses, split shipments and their
// tracking come with the rest of its issue.
#include "orders/config.h"
#include "orders/server.h"
#include "orders/store/product_store.h"
#include "platform/runtime/serve_main.h"

int main(int argc, char** argv) {
  return crm::platform::ServeMain<crm::orders::Config, crm::orders::Server>(
      "orders", crm::orders::kColumnFamilies, argc, argv);
}
