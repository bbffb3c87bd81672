#include "orders/store/stock_store.h"

#include <catch2/catch.hpp>

#include "orders/store/column_families.h"
#include "platform/testing/test_support.h"

namespace crm::orders {
namespace {

TEST_CASE("stock stored before the locations index is found once the index is filled",
          "[stock_store]") {
  platform::testing::TempDir dir;
  auto store = platform::testing::OpenTestStore(dir.path(), kColumnFamilies);
  StockStore stock(*store);
  {
    // As an older build wrote it: the level alone.
    platform::OwnedRecords levels(*store, kStockCf);
    v1::Stock counted;
    counted.set_on_hand(4);
    auto txn = store->Begin();
    REQUIRE(levels.Put(*txn, "KETTLE", "wh-north", 1, counted.SerializeAsString()).ok());
    REQUIRE(txn->Commit().ok());
  }
  {
    auto txn = store->Begin();
    CHECK(stock.LockAll(*txn, {"KETTLE"})->empty());
  }
  CHECK(*stock.IndexLocations(*store) == 1);
  CHECK(*stock.IndexLocations(*store) == 0);  // once
  auto txn = store->Begin();
  auto levels = stock.LockAll(*txn, {"KETTLE"});
  REQUIRE(levels.ok());
  REQUIRE(levels->size() == 1);
  CHECK((*levels)[0].warehouse_id == "wh-north");
  CHECK((*levels)[0].stock.on_hand() == 4);
}

}  // namespace
}  // namespace crm::orders
