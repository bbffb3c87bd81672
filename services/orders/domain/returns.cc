#include "orders/domain/returns.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "platform/base/proto_time.h"

namespace crm::orders {

namespace {

v1::OrderLine* LineOf(v1::Order* order, const std::string& sku) {
  for (v1::OrderLine& line : *order->mutable_lines()) {
    if (line.sku() == sku) return &line;
  }
  return nullptr;
}

// Applies `add` to the line of each item on a copy, so a refusal changes nothing.
template <typename Add>
absl::Status ForEachItem(const ReturnedItems& items, v1::Order* order, Add add) {
  v1::Order changed = *order;
  for (const events::v1::ReturnedItem& item : items) {
    v1::OrderLine* line = LineOf(&changed, item.sku());
    if (line == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("items: ", item.sku(), " is not in order ", order->order_id()));
    }
    if (item.quantity() <= 0) return absl::InvalidArgumentError("items: quantity must be > 0");
    if (absl::Status s = add(*line, item.quantity()); !s.ok()) return s;
  }
  *order = std::move(changed);
  return absl::OkStatus();
}

}  // namespace

v1::ReturnableLines ReturnableLinesOf(const v1::Order& order, absl::Time now) {
  v1::ReturnableLines out;
  out.set_order_id(order.order_id());
  out.set_customer_id(order.customer_id());
  out.set_currency(order.currency());
  for (const v1::OrderLine& line : order.lines()) {
    v1::ReturnableLines::Line* l = out.add_lines();
    l->set_sku(line.sku());
    l->set_delivered_quantity(line.delivered_quantity());
    l->set_returning_quantity(line.returning_quantity());
    l->set_unit_price_cents(line.unit_price_cents());
    if (line.delivered_quantity() == 0) continue;
    absl::Time delivered = platform::FromTimestamp(line.delivered_at());
    *l->mutable_delivered_at() = line.delivered_at();
    *l->mutable_return_by() = platform::ToTimestamp(delivered + kReturnWindow);
    l->set_returnable(line.returnable() && now <= delivered + kReturnWindow &&
                      line.returning_quantity() < line.delivered_quantity());
  }
  return out;
}

absl::Status AddReturning(const ReturnedItems& items, v1::Order* order) {
  return ForEachItem(items, order, [](v1::OrderLine& line, int32_t quantity) {
    if (line.returning_quantity() + quantity > line.delivered_quantity()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "items: ", line.sku(), ": ", quantity, " more to return, but only ",
          line.delivered_quantity() - line.returning_quantity(), " delivered and not returned"));
    }
    line.set_returning_quantity(line.returning_quantity() + quantity);
    return absl::OkStatus();
  });
}

absl::Status AddReturned(const ReturnedItems& items, v1::Order* order) {
  return ForEachItem(items, order, [](v1::OrderLine& line, int32_t quantity) {
    if (line.returned_quantity() + quantity > line.delivered_quantity()) {
      return absl::InvalidArgumentError(
          absl::StrCat("items: ", line.sku(), ": more received back than delivered"));
    }
    line.set_returned_quantity(line.returned_quantity() + quantity);
    return absl::OkStatus();
  });
}

absl::Status CheckReplacement(const ReturnedItems& items, const v1::Order& order) {
  std::set<std::string> seen;
  for (const events::v1::ReturnedItem& item : items) {
    const v1::OrderLine* line = nullptr;
    for (const v1::OrderLine& l : order.lines()) {
      if (l.sku() == item.sku()) line = &l;
    }
    if (line == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("items: ", item.sku(), " is not in order ", order.order_id()));
    }
    if (!seen.insert(item.sku()).second) {
      return absl::InvalidArgumentError(absl::StrCat("items: ", item.sku(), " named twice"));
    }
    if (item.quantity() < 1 || item.quantity() > line->returning_quantity()) {
      return absl::InvalidArgumentError(absl::StrCat("items: ", item.sku(), ": ", item.quantity(),
                                                     " to replace, but 1 to ",
                                                     line->returning_quantity(), " were returned"));
    }
  }
  return absl::OkStatus();
}

void ErasePersonalData(v1::Order* order) {
  v1::ShippingAddress* a = order->mutable_shipping_address();
  a->clear_recipient();
  a->clear_phone();
  a->clear_line1();
  a->clear_line2();
  a->clear_city();
  a->clear_postal_code();
  order->set_personal_data_erased(true);
}

}  // namespace crm::orders
