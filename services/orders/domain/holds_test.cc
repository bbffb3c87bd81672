#include "orders/domain/holds.h"

#include <catch2/catch.hpp>

#include "platform/base/proto_time.h"

namespace crm::orders {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kRelease = kNow + absl::Hours(24 * 10);

// A parcel with a part from stock and a held part of `sku` (reserved or not, maybe a pre-sale).
store::v1::ShipmentRecord Held(const std::string& sku, bool reserved, bool presale,
                               bool together = false) {
  store::v1::ShipmentRecord r;
  r.set_together(together);
  r.mutable_shipment()->set_status(v1::Shipment::ON_HOLD);
  store::v1::Part* ready = r.add_parts();
  ready->set_sku("KETTLE");
  ready->set_quantity(1);
  ready->set_reserved(true);
  store::v1::Part* held = r.add_parts();
  held->set_sku(sku);
  held->set_quantity(2);
  held->set_reserved(reserved);
  held->set_hold(presale ? v1::Hold::PRESALE : v1::Hold::BACKORDER);
  if (presale) *held->mutable_release_at() = platform::ToTimestamp(kRelease);
  v1::Hold* hold = r.mutable_shipment()->add_holds();
  hold->set_kind(held->hold());
  hold->set_sku(sku);
  hold->set_quantity(2);
  return r;
}

TEST_CASE("a backorder is released when its stock is reserved", "[holds]") {
  store::v1::ShipmentRecord r = Held("MUG", false, false);
  CHECK(WaitingForStock(r, "MUG") == 2);
  CHECK(WaitingForStock(r, "KETTLE") == 0);
  CHECK_FALSE(ReleaseDue(r, kNow));  // nothing reserved yet: still waiting
  CHECK(r.shipment().status() == v1::Shipment::ON_HOLD);
  CHECK(ReserveBackorder(r, "MUG", kNow) == 2);
  CHECK(r.shipment().status() == v1::Shipment::READY);
  CHECK(r.parts(1).hold() == v1::Hold::KIND_UNSPECIFIED);
  CHECK(platform::FromTimestamp(r.shipment().holds(0).released_at()) == kNow);
  CHECK(WaitingForStock(r, "MUG") == 0);
}

TEST_CASE("a pre-sale waits for its release even with its units reserved", "[holds]") {
  store::v1::ShipmentRecord r = Held("CONSOLE", true, true);
  CHECK(LastRelease(r) == kRelease);
  CHECK_FALSE(ReleaseDue(r, kRelease - absl::Seconds(1)));
  CHECK(r.shipment().status() == v1::Shipment::ON_HOLD);
  CHECK(ReleaseDue(r, kRelease));
  CHECK(r.shipment().status() == v1::Shipment::READY);
  CHECK(LastRelease(r) == absl::InfinitePast());

  // Released but out of stock: it waits for the stock, then leaves at once.
  store::v1::ShipmentRecord late = Held("CONSOLE", false, true);
  CHECK_FALSE(ReleaseDue(late, kRelease + absl::Hours(1)));
  CHECK(ReserveBackorder(late, "CONSOLE", kRelease + absl::Hours(2)) == 2);
  CHECK(late.shipment().status() == v1::Shipment::READY);
}

TEST_CASE("parcels shipped together leave when none of them waits", "[holds]") {
  store::v1::ShipmentRecord ready = Held("MUG", true, false, true);
  store::v1::ShipmentRecord held = Held("LAMP", false, false, true);
  CHECK(ReleaseDue(ready, kNow));
  CHECK(ready.shipment().status() == v1::Shipment::PENDING);
  CHECK_FALSE(LeaveTogether({&ready, &held}, kNow));
  CHECK(ready.shipment().status() == v1::Shipment::PENDING);
  ReserveBackorder(held, "LAMP", kNow);
  CHECK(held.shipment().status() == v1::Shipment::PENDING);
  CHECK(LeaveTogether({&ready, &held}, kNow));
  CHECK(ready.shipment().status() == v1::Shipment::READY);
  CHECK(held.shipment().status() == v1::Shipment::READY);
}

TEST_CASE("a parcel that has left is never put back on hold", "[holds]") {
  store::v1::ShipmentRecord r = Held("MUG", true, false);
  r.mutable_shipment()->set_status(v1::Shipment::IN_TRANSIT);
  CHECK_FALSE(IsWaiting(r));
  CHECK_FALSE(ReleaseDue(r, kNow));
  CHECK(r.shipment().status() == v1::Shipment::IN_TRANSIT);
}

}  // namespace
}  // namespace crm::orders
