#include "orders/domain/stock.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::orders {
namespace {

template <typename Message>
std::vector<std::string> FieldsOf(const Message& message,
                                  void (*check)(const Message&,
                                                std::vector<platform::FieldViolation>&)) {
  std::vector<platform::FieldViolation> violations;
  check(message, violations);
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

TEST_CASE("a warehouse needs a name and a region usable as a key", "[stock]") {
  v1::Warehouse w;
  w.set_name("North hub");
  w.set_region("north");
  CHECK(FieldsOf(w, &CheckWarehouse).empty());
  w.set_region("north east");
  CHECK(FieldsOf(w, &CheckWarehouse) == std::vector<std::string>{"warehouse.region"});
  w.set_region(std::string(51, 'n'));
  CHECK(FieldsOf(w, &CheckWarehouse) == std::vector<std::string>{"warehouse.region"});
  w.clear_region();
  w.clear_name();
  CHECK(FieldsOf(w, &CheckWarehouse) ==
        std::vector<std::string>{"warehouse.name", "warehouse.region"});
}

TEST_CASE("stock on hand is counted, never negative, and what is available never below 0",
          "[stock]") {
  v1::Stock s;
  s.set_on_hand(10);
  CHECK(FieldsOf(s, &CheckStock).empty());
  s.set_on_hand(-1);
  CHECK(FieldsOf(s, &CheckStock) == std::vector<std::string>{"stock.onHand"});
  s.set_on_hand(kMaxOnHand + 1);
  s.mutable_restock_at()->set_seconds(-70'000'000'000);
  CHECK(FieldsOf(s, &CheckStock) == std::vector<std::string>{"stock.onHand", "stock.restockAt"});

  v1::Stock counted;
  counted.set_on_hand(10);
  counted.set_reserved(3);
  CHECK(Available(counted) == 7);
  // A count below what orders were promised leaves them waiting, not a negative stock.
  counted.set_on_hand(2);
  CHECK(Available(counted) == 0);
  // Backorders waiting here come before new orders.
  counted.set_on_hand(10);
  counted.set_backordered(4);
  CHECK(Available(counted) == 3);
}

}  // namespace
}  // namespace crm::orders
