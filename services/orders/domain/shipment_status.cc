#include "orders/domain/shipment_status.h"

#include <algorithm>
#include <map>
#include <set>

namespace crm::orders {

namespace {

using S = v1::Shipment;

// The table of docs/architecture.md, "Shipment statuses".
const std::map<S::Status, std::set<S::Status>>& Steps() {
  static const auto* steps = [] {
    const std::set<S::Status> on_the_way = {S::IN_TRANSIT,       S::AT_STATION,
                                            S::OUT_FOR_DELIVERY, S::DELIVERED,
                                            S::DELIVERY_FAILED,  S::RETURNED_TO_SENDER};
    return new std::map<S::Status, std::set<S::Status>>{
        {S::ON_HOLD, {S::READY, S::PENDING, S::CANCELLED}},
        {S::PENDING, {S::READY, S::ON_HOLD, S::CANCELLED}},
        {S::READY, {S::PENDING, S::HANDED_TO_CARRIER, S::CANCELLED}},
        {S::HANDED_TO_CARRIER, on_the_way},
        {S::IN_TRANSIT, on_the_way},
        {S::AT_STATION, on_the_way},
        {S::OUT_FOR_DELIVERY, {S::DELIVERED, S::DELIVERY_FAILED, S::AT_STATION}},
        {S::DELIVERY_FAILED,
         {S::OUT_FOR_DELIVERY, S::AT_STATION, S::IN_TRANSIT, S::DELIVERED, S::RETURNED_TO_SENDER}},
    };
  }();
  return *steps;
}

}  // namespace

bool IsAllowedStep(v1::Shipment::Status from, v1::Shipment::Status to) {
  auto it = Steps().find(from);
  return it != Steps().end() && it->second.contains(to);
}

bool IsCarrierStatus(v1::Shipment::Status status) {
  switch (status) {
    case S::HANDED_TO_CARRIER:
    case S::IN_TRANSIT:
    case S::AT_STATION:
    case S::OUT_FOR_DELIVERY:
    case S::DELIVERY_FAILED:
    case S::DELIVERED:
    case S::RETURNED_TO_SENDER:
      return true;
    default:
      return false;
  }
}

bool IsInWarehouse(v1::Shipment::Status status) {
  return status == S::PENDING || status == S::ON_HOLD || status == S::READY;
}

bool IsFinished(v1::Shipment::Status status) {
  return status == S::DELIVERED || status == S::RETURNED_TO_SENDER || status == S::CANCELLED;
}

v1::Order::Status OrderStatusOf(const std::vector<v1::Shipment::Status>& shipments) {
  std::vector<S::Status> live;
  for (S::Status s : shipments) {
    if (s != S::CANCELLED) live.push_back(s);
  }
  if (live.empty()) return v1::Order::CANCELLED;
  auto count = [&](auto predicate) { return std::count_if(live.begin(), live.end(), predicate); };
  auto delivered = count([](S::Status s) { return s == S::DELIVERED; });
  auto left = count([](S::Status s) { return !IsInWarehouse(s); });
  auto size = static_cast<decltype(delivered)>(live.size());
  if (delivered == size) return v1::Order::DELIVERED;
  if (delivered > 0) return v1::Order::PARTIALLY_DELIVERED;
  if (left == size) return v1::Order::SHIPPED;
  if (left > 0) return v1::Order::PARTIALLY_SHIPPED;
  return v1::Order::PLACED;
}

}  // namespace crm::orders
