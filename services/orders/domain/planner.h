// The shipment planner: which warehouse sends which units of an order, when, and what each part
// waits for (API.md, "Splitting"). A pure function, tested by tables (planner_test.cc).
//
// Each line is served from stock where it is: the customer's region's warehouse first, then the
// others (by id). What stock cannot cover waits for a restock date (a BACKORDER hold, at the
// warehouse with the earliest date, the region's first on a tie); a product whose release is
// still ahead waits for it (a PRESALE hold), whatever the stock. A line with neither stock nor a
// restock date anywhere cannot be planned: FAILED_PRECONDITION / SKU_UNAVAILABLE naming it.
//
// SHIP_WHEN_READY: one shipment per (warehouse, ready time). SHIP_TOGETHER: one shipment from one
// warehouse that can serve every line, now or by its restock dates (the earliest ready, the
// region's on a tie), released when its last part is ready; when no single warehouse can, the
// SHIP_WHEN_READY parts grouped into one shipment per warehouse, all released together.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "orders/domain/reasons.h"

namespace crm::orders {

enum class SplitPolicy { kShipTogether, kShipWhenReady };
enum class Hold { kNone, kBackorder, kPresale };

struct PlanLine {
  std::string sku;
  int64_t quantity = 0;
  // The product's release; after `now` the line is a pre-sale.
  std::optional<absl::Time> release_at;
};

struct StockLevel {
  // What a new order can take now.
  int64_t available = 0;
  // When more is expected; absent: nothing announced.
  std::optional<absl::Time> restock_at;
};

struct WarehouseStock {
  std::string warehouse_id;
  std::string region;
  // By sku.
  std::map<std::string, StockLevel> stock;
};

struct PlanInput {
  std::vector<PlanLine> lines;
  std::vector<WarehouseStock> warehouses;
  // The shipping address's region.
  std::string region;
  SplitPolicy policy = SplitPolicy::kShipWhenReady;
  absl::Time now;
};

// Units of one line sent from one warehouse.
struct PlannedPart {
  // The line's index in PlanInput::lines.
  int line = 0;
  std::string sku;
  int64_t quantity = 0;
  // True when taken from the warehouse's available stock now (to be reserved); false when
  // waiting for a restock.
  bool from_stock = false;
  Hold hold = Hold::kNone;
  absl::Time ready_at;
  // With hold kPresale: the product's release, which it waits for even when from stock.
  std::optional<absl::Time> release_at;
};

struct PlannedShipment {
  std::string warehouse_id;
  // When it can leave: its last part's ready time (SHIP_TOGETHER across warehouses: the last of
  // all of them).
  absl::Time ready_at;
  // The strongest wait of its parts: PRESALE over BACKORDER over none.
  Hold hold = Hold::kNone;
  std::vector<PlannedPart> parts;
};

// Shipments ordered by ready time, then warehouse id. Errors: FAILED_PRECONDITION
// (SKU_UNAVAILABLE, naming "lines[i].sku") for a line no warehouse has or expects.
absl::StatusOr<std::vector<PlannedShipment>> PlanShipments(const PlanInput& input);

}  // namespace crm::orders
