#include "orders/domain/planner.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"

namespace crm::orders {

namespace {

// The customer's region's warehouses first, then the others, each group by id.
std::vector<const WarehouseStock*> InServingOrder(const PlanInput& input) {
  std::vector<const WarehouseStock*> order;
  for (const WarehouseStock& w : input.warehouses) order.push_back(&w);
  std::sort(order.begin(), order.end(), [&](const WarehouseStock* a, const WarehouseStock* b) {
    return std::make_tuple(a->region != input.region, a->warehouse_id) <
           std::make_tuple(b->region != input.region, b->warehouse_id);
  });
  return order;
}

const StockLevel* LevelOf(const WarehouseStock& warehouse, const std::string& sku) {
  auto it = warehouse.stock.find(sku);
  return it == warehouse.stock.end() ? nullptr : &it->second;
}

// A part waits for the product's release too, when that is still ahead.
void ApplyRelease(const PlanLine& line, absl::Time now, PlannedPart* part) {
  if (line.release_at && *line.release_at > now) {
    part->hold = Hold::kPresale;
    part->ready_at = std::max(part->ready_at, *line.release_at);
    part->release_at = line.release_at;
  }
}

// The parts of `line` from `warehouses` in that order: stock first, then the earliest restock.
// `taken` counts what earlier lines took from each (warehouse, sku). False when nothing covers
// the rest.
bool ServeLine(int index, const PlanLine& line,
               const std::vector<const WarehouseStock*>& warehouses, absl::Time now,
               std::map<std::pair<std::string, std::string>, int64_t>& taken,
               std::vector<std::pair<std::string, PlannedPart>>& parts) {
  int64_t left = line.quantity;
  for (const WarehouseStock* w : warehouses) {
    const StockLevel* level = LevelOf(*w, line.sku);
    if (level == nullptr || left == 0) continue;
    int64_t& used = taken[{w->warehouse_id, line.sku}];
    int64_t take = std::min(left, level->available - used);
    if (take <= 0) continue;
    used += take;
    left -= take;
    PlannedPart part{
        .line = index, .sku = line.sku, .quantity = take, .from_stock = true, .ready_at = now};
    ApplyRelease(line, now, &part);
    parts.emplace_back(w->warehouse_id, part);
  }
  if (left == 0) return true;
  const WarehouseStock* restocking = nullptr;
  for (const WarehouseStock* w : warehouses) {  // the serving order breaks ties
    const StockLevel* level = LevelOf(*w, line.sku);
    if (level == nullptr || !level->restock_at) continue;
    if (restocking == nullptr || *level->restock_at < *LevelOf(*restocking, line.sku)->restock_at) {
      restocking = w;
    }
  }
  if (restocking == nullptr) return false;
  PlannedPart part{.line = index,
                   .sku = line.sku,
                   .quantity = left,
                   .from_stock = false,
                   .hold = Hold::kBackorder,
                   .ready_at = std::max(now, *LevelOf(*restocking, line.sku)->restock_at)};
  ApplyRelease(line, now, &part);
  parts.emplace_back(restocking->warehouse_id, part);
  return true;
}

Hold Stronger(Hold a, Hold b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

void Add(PlannedShipment& shipment, const PlannedPart& part) {
  shipment.parts.push_back(part);
  shipment.ready_at = std::max(shipment.ready_at, part.ready_at);
  shipment.hold = Stronger(shipment.hold, part.hold);
}

// One warehouse's plan of every line, or nullopt when it cannot serve them all.
std::optional<PlannedShipment> FromOne(const PlanInput& input, const WarehouseStock& warehouse) {
  std::map<std::pair<std::string, std::string>, int64_t> taken;
  std::vector<std::pair<std::string, PlannedPart>> parts;
  for (int i = 0; i < static_cast<int>(input.lines.size()); ++i) {
    if (!ServeLine(i, input.lines[i], {&warehouse}, input.now, taken, parts)) return std::nullopt;
  }
  PlannedShipment shipment{.warehouse_id = warehouse.warehouse_id, .ready_at = input.now};
  for (const auto& [id, part] : parts) Add(shipment, part);
  return shipment;
}

}  // namespace

absl::StatusOr<std::vector<PlannedShipment>> PlanShipments(const PlanInput& input) {
  const std::vector<const WarehouseStock*> warehouses = InServingOrder(input);
  std::map<std::pair<std::string, std::string>, int64_t> taken;
  std::vector<std::pair<std::string, PlannedPart>> parts;
  std::vector<platform::FieldViolation> unavailable;
  for (int i = 0; i < static_cast<int>(input.lines.size()); ++i) {
    if (!ServeLine(i, input.lines[i], warehouses, input.now, taken, parts)) {
      unavailable.push_back(
          {absl::StrCat("lines[", i, "].sku"),
           absl::StrCat(input.lines[i].sku, " is out of stock everywhere, with no restock date")});
    }
  }
  if (!unavailable.empty()) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonSkuUnavailable,
                           "a line cannot be served", unavailable);
  }

  std::vector<PlannedShipment> shipments;
  if (input.policy == SplitPolicy::kShipTogether) {
    std::optional<PlannedShipment> best;
    for (const WarehouseStock* w : warehouses) {  // the region's first: kept on equal readiness
      std::optional<PlannedShipment> one = FromOne(input, *w);
      if (one && (!best || one->ready_at < best->ready_at)) best = std::move(one);
    }
    if (best) return std::vector<PlannedShipment>{*std::move(best)};
    // No single warehouse can: one shipment per warehouse, released together.
    std::map<std::string, PlannedShipment> by_warehouse;
    absl::Time last = input.now;
    for (const auto& [id, part] : parts) {
      PlannedShipment& s = by_warehouse[id];
      s.warehouse_id = id;
      Add(s, part);
      last = std::max(last, part.ready_at);
    }
    for (auto& [id, s] : by_warehouse) {
      s.ready_at = last;
      shipments.push_back(std::move(s));
    }
    return shipments;
  }
  // SHIP_WHEN_READY: one shipment per (warehouse, ready time).
  std::map<std::pair<absl::Time, std::string>, PlannedShipment> by_slot;
  for (const auto& [id, part] : parts) {
    PlannedShipment& s = by_slot[{part.ready_at, id}];
    s.warehouse_id = id;
    Add(s, part);
  }
  for (auto& [slot, s] : by_slot) shipments.push_back(std::move(s));
  return shipments;
}

}  // namespace crm::orders
