#include "orders/server.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <string>

#include "orders/testing/world.h"
#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"

namespace crm::orders {
namespace {

// The world of testing/world.h with calls made as any role, answering the status.
class World : public testing::World {
 public:
  grpc::Status PutWarehouse(const std::string& role, const std::string& id,
                            const std::string& region, v1::Warehouse* out) {
    v1::PutWarehouseRequest request;
    request.set_warehouse_id(id);
    request.mutable_warehouse()->set_name("Hub " + id);
    request.mutable_warehouse()->set_region(region);
    return stock().PutWarehouse(As(role).get(), request, out);
  }

  grpc::Status PutStock(const std::string& role, const std::string& warehouse,
                        const std::string& sku, int64_t on_hand, v1::Stock* out) {
    v1::PutStockRequest request;
    request.set_warehouse_id(warehouse);
    request.set_sku(sku);
    request.mutable_stock()->set_on_hand(on_hand);
    request.mutable_stock()->set_reserved(99);  // output only: ignored
    return stock().PutStock(As(role).get(), request, out);
  }

  grpc::Status GetStock(const std::string& role, const std::string& sku, v1::StockLevels* out) {
    v1::GetStockRequest request;
    request.set_sku(sku);
    return stock().GetStock(As(role).get(), request, out);
  }

  grpc::Status Put(const std::string& role, const std::string& sku, const v1::Product& product,
                   v1::Product* out, const std::string& if_match = "") {
    auto context = As(role);
    if (!if_match.empty()) context->AddMetadata("if-match", if_match);
    v1::PutProductRequest request;
    request.set_sku(sku);
    *request.mutable_product() = product;
    return products().PutProduct(context.get(), request, out);
  }

  grpc::Status Get(const std::string& role, const std::string& sku, v1::Product* out) {
    v1::GetProductRequest request;
    request.set_sku(sku);
    return products().GetProduct(As(role).get(), request, out);
  }
};

v1::Product Espresso() {
  v1::Product p;
  p.set_name("Espresso machine");
  p.set_price_cents(24900);
  p.set_currency("EUR");
  p.set_returnable(true);
  p.set_warranty_months(24);
  return p;
}

TEST_CASE("an admin puts a product and anyone signed in reads it", "[product_service]") {
  World w;
  v1::Product put;
  grpc::Status status = w.Put("admin", "ESP-1", Espresso(), &put);
  INFO(status.error_message());
  REQUIRE(status.ok());
  CHECK(put.sku() == "ESP-1");
  CHECK(put.etag() == "v1");
  CHECK(put.price_cents() == 24900);
  CHECK(put.updated_at().seconds() == 1'700'000'000);

  for (const char* role : {"customer", "agent", "analyst", "admin"}) {
    INFO(role);
    v1::Product read;
    REQUIRE(w.Get(role, "ESP-1", &read).ok());
    CHECK(read.name() == "Espresso machine");
    CHECK(read.etag() == "v1");
  }
}

TEST_CASE("putting again replaces the product, and a stale If-Match changes nothing",
          "[product_service]") {
  World w;
  v1::Product out;
  REQUIRE(w.Put("admin", "ESP-1", Espresso(), &out).ok());
  v1::Product cheaper = Espresso();
  cheaper.set_price_cents(19900);
  cheaper.set_returnable(false);
  REQUIRE(w.Put("admin", "ESP-1", cheaper, &out, "v1").ok());
  CHECK(out.etag() == "v2");
  CHECK_FALSE(out.returnable());

  grpc::Status stale = w.Put("admin", "ESP-1", Espresso(), &out, "v1");
  CHECK(stale.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(platform::DetailsOf(stale).reason() == "ETAG_MISMATCH");
  v1::Product read;
  REQUIRE(w.Get("agent", "ESP-1", &read).ok());
  CHECK(read.price_cents() == 19900);
}

TEST_CASE("only admins put products, bad fields are named, and nothing changes",
          "[product_service]") {
  World w;
  v1::Product out;
  for (const char* role : {"customer", "agent", "analyst"}) {
    INFO(role);
    CHECK(w.Put(role, "ESP-1", Espresso(), &out).error_code() ==
          grpc::StatusCode::PERMISSION_DENIED);
  }
  v1::Product dollars = Espresso();
  dollars.set_currency("USD");
  dollars.set_price_cents(-5);
  grpc::Status bad = w.Put("admin", "ESP-1", dollars, &out);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  auto details = platform::DetailsOf(bad);
  REQUIRE(details.field_violations_size() == 2);
  CHECK(details.field_violations(0).field() == "product.priceCents");
  CHECK(details.field_violations(1).field() == "product.currency");
  CHECK(w.Put("admin", "has space", Espresso(), &out).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  v1::Product read;
  grpc::Status missing = w.Get("admin", "ESP-1", &read);
  CHECK(missing.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(platform::DetailsOf(missing).reason() == "PRODUCT_NOT_FOUND");
}

TEST_CASE("stock is counted per warehouse and product and read across warehouses",
          "[stock_service]") {
  World w;
  v1::Product product;
  REQUIRE(w.Put("admin", "ESP-1", Espresso(), &product).ok());
  v1::Warehouse north, south;
  REQUIRE(w.PutWarehouse("admin", "wh-north", "north", &north).ok());
  REQUIRE(w.PutWarehouse("admin", "wh-south", "south", &south).ok());
  CHECK(north.etag() == "v1");

  v1::Stock stock;
  REQUIRE(w.PutStock("admin", "wh-north", "ESP-1", 10, &stock).ok());
  CHECK(stock.on_hand() == 10);
  CHECK(stock.reserved() == 0);  // never set from outside
  CHECK(stock.available() == 10);
  REQUIRE(w.PutStock("admin", "wh-south", "ESP-1", 3, &stock).ok());
  REQUIRE(w.PutStock("admin", "wh-north", "ESP-1", 7, &stock).ok());
  CHECK(stock.etag() == "v2");

  v1::StockLevels levels;
  REQUIRE(w.GetStock("agent", "ESP-1", &levels).ok());
  REQUIRE(levels.warehouses_size() == 2);
  CHECK(levels.warehouses(0).warehouse_id() == "wh-north");
  CHECK(levels.warehouses(0).available() == 7);
  CHECK(levels.warehouses(1).warehouse_id() == "wh-south");
  CHECK(levels.warehouses(1).on_hand() == 3);
}

TEST_CASE("stock needs a known warehouse and product, an admin, and a count", "[stock_service]") {
  World w;
  v1::Product product;
  REQUIRE(w.Put("admin", "ESP-1", Espresso(), &product).ok());
  v1::Warehouse north;
  REQUIRE(w.PutWarehouse("admin", "wh-north", "north", &north).ok());
  v1::Stock stock;
  grpc::Status no_warehouse = w.PutStock("admin", "wh-none", "ESP-1", 1, &stock);
  CHECK(platform::DetailsOf(no_warehouse).reason() == "WAREHOUSE_NOT_FOUND");
  grpc::Status no_product = w.PutStock("admin", "wh-north", "NONE-1", 1, &stock);
  CHECK(platform::DetailsOf(no_product).reason() == "PRODUCT_NOT_FOUND");
  CHECK(w.PutStock("agent", "wh-north", "ESP-1", 1, &stock).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status negative = w.PutStock("admin", "wh-north", "ESP-1", -1, &stock);
  REQUIRE(platform::DetailsOf(negative).field_violations_size() == 1);
  CHECK(platform::DetailsOf(negative).field_violations(0).field() == "stock.onHand");
  CHECK(w.PutWarehouse("admin", "wh-x", "north east", &north).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  v1::StockLevels levels;
  REQUIRE(w.GetStock("admin", "ESP-1", &levels).ok());
  CHECK(levels.warehouses_size() == 0);  // nothing was stored by the refused calls
  CHECK(w.GetStock("customer", "ESP-1", &levels).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace crm::orders
