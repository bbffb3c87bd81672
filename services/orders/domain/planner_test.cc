#include "orders/domain/planner.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "platform/base/errors.h"

namespace crm::orders {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kRestock = kNow + absl::Hours(24 * 7);
const absl::Time kRelease = kNow + absl::Hours(24 * 30);

// north (the customer's region): 5 kettles, no mugs but 10 days away... see each table.
std::vector<WarehouseStock> Warehouses() {
  return {
      {.warehouse_id = "wh-north",
       .region = "north",
       .stock = {{"KETTLE", {.available = 5}},
                 {"MUG", {.available = 0, .restock_at = kRestock}},
                 {"CONSOLE", {.available = 3}}}},
      {.warehouse_id = "wh-south",
       .region = "south",
       .stock = {{"KETTLE", {.available = 2}}, {"MUG", {.available = 4}}}},
  };
}

// "<warehouse>:<sku>x<qty>[stock|backorder|presale]@<days from now>" per part, shipments joined
// by " | ", parts by ",".
std::string Describe(const std::vector<PlannedShipment>& shipments) {
  std::string out;
  for (const PlannedShipment& s : shipments) {
    if (!out.empty()) out += " | ";
    out += s.warehouse_id + "@" + std::to_string((s.ready_at - kNow) / absl::Hours(24)) + ":";
    for (size_t i = 0; i < s.parts.size(); ++i) {
      const PlannedPart& p = s.parts[i];
      if (i > 0) out += ",";
      out += p.sku + "x" + std::to_string(p.quantity) +
             (p.hold == Hold::kPresale     ? "[presale]"
              : p.hold == Hold::kBackorder ? "[backorder]"
                                           : "[stock]");
    }
  }
  return out;
}

std::string Plan(std::vector<PlanLine> lines, SplitPolicy policy, std::string region = "north") {
  auto plan = PlanShipments({.lines = std::move(lines),
                             .warehouses = Warehouses(),
                             .region = std::move(region),
                             .policy = policy,
                             .now = kNow});
  if (!plan.ok()) return std::string(platform::DetailsOf(plan.status()).reason());
  return Describe(*plan);
}

TEST_CASE("ship when ready: one shipment per warehouse and ready day", "[planner]") {
  const auto when_ready = SplitPolicy::kShipWhenReady;
  struct Case {
    const char* what;
    std::vector<PlanLine> lines;
    std::string region;
    std::string expected;
  };
  const Case cases[] = {
      {"in stock in the region", {{"KETTLE", 2}}, "north", "wh-north@0:KETTLEx2[stock]"},
      {"the region first, then the others",
       {{"KETTLE", 6}},
       "north",
       "wh-north@0:KETTLEx5[stock] | wh-south@0:KETTLEx1[stock]"},
      {"another region's customer is served from theirs first",
       {{"KETTLE", 3}},
       "south",
       // (shipments of the same day are listed by warehouse id)
       "wh-north@0:KETTLEx1[stock] | wh-south@0:KETTLEx2[stock]"},
      {"what stock lacks waits for the earliest restock",
       {{"MUG", 6}},
       "north",
       "wh-south@0:MUGx4[stock] | wh-north@7:MUGx2[backorder]"},
      {"a pre-sale waits for its release, stock or not",
       {{"CONSOLE", 1, kRelease}},
       "north",
       "wh-north@30:CONSOLEx1[presale]"},
      {"three lines: in stock, backordered, pre-sale make three shipments",
       {{"KETTLE", 1}, {"MUG", 5}, {"CONSOLE", 1, kRelease}},
       "north",
       "wh-north@0:KETTLEx1[stock] | wh-south@0:MUGx4[stock] | wh-north@7:MUGx1[backorder] | "
       "wh-north@30:CONSOLEx1[presale]"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(Plan(c.lines, when_ready, c.region) == c.expected);
  }
}

TEST_CASE("ship together: one warehouse when one can, else one per warehouse released together",
          "[planner]") {
  const auto together = SplitPolicy::kShipTogether;
  // north can serve all three (the mugs by their restock, the console at its release).
  CHECK(Plan({{"KETTLE", 1}, {"MUG", 5}, {"CONSOLE", 1, kRelease}}, together) ==
        "wh-north@30:KETTLEx1[stock],MUGx5[backorder],CONSOLEx1[presale]");
  // Both can serve a kettle and a mug: south now beats north in a week.
  CHECK(Plan({{"KETTLE", 1}, {"MUG", 1}}, together) == "wh-south@0:KETTLEx1[stock],MUGx1[stock]");
  // Equally ready: the customer's region.
  CHECK(Plan({{"KETTLE", 1}}, together, "south") == "wh-south@0:KETTLEx1[stock]");
  CHECK(Plan({{"KETTLE", 1}}, together, "north") == "wh-north@0:KETTLEx1[stock]");
  // Seven kettles: no single warehouse has them; both ship, released together.
  CHECK(Plan({{"KETTLE", 7}}, together) ==
        "wh-north@0:KETTLEx5[stock] | wh-south@0:KETTLEx2[stock]");
  // The console only in north, six mugs only across both: released together at the release.
  CHECK(Plan({{"CONSOLE", 1, kRelease}, {"MUG", 6}, {"KETTLE", 7}}, together) ==
        "wh-north@30:CONSOLEx1[presale],MUGx2[backorder],KETTLEx5[stock] | "
        "wh-south@30:MUGx4[stock],KETTLEx2[stock]");
}

TEST_CASE("a line with no stock and no restock date anywhere is refused, naming it", "[planner]") {
  auto plan = PlanShipments({.lines = {{"KETTLE", 1}, {"TOASTER", 1}},
                             .warehouses = Warehouses(),
                             .region = "north",
                             .policy = SplitPolicy::kShipWhenReady,
                             .now = kNow});
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.status().code() == absl::StatusCode::kFailedPrecondition);
  auto details = platform::DetailsOf(plan.status());
  CHECK(details.reason() == "SKU_UNAVAILABLE");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "lines[1].sku");
  // More kettles than there are, and none coming: refused too.
  CHECK(Plan({{"KETTLE", 8}}, SplitPolicy::kShipWhenReady) == "SKU_UNAVAILABLE");
}

}  // namespace
}  // namespace crm::orders
