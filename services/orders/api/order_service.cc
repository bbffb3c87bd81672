#include "orders/api/order_service.h"

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "orders/api/answers.h"
#include "orders/domain/cancellation.h"
#include "orders/domain/order.h"
#include "orders/domain/planner.h"
#include "orders/domain/returns.h"
#include "orders/domain/stock.h"
#include "orders/events/order_events.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/paging.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"
#include "platform/store/entity.h"

namespace crm::orders {

namespace {

constexpr size_t kTimeKeyChars = 16;  // platform::TimeOrderKey

// A position in a customer's order list, as NewestOf answers them: time key, then an order id.
bool IsListPosition(absl::string_view position) {
  return position.size() > kTimeKeyChars &&
         platform::PartitionOfId(kOrderIdPrefix, position.substr(kTimeKeyChars)).has_value();
}

// Not yet at the customer and not given up: what the customer 360 lists as on its way.
bool IsOpen(const v1::Shipment& shipment) {
  switch (shipment.status()) {
    case v1::Shipment::DELIVERED:
    case v1::Shipment::CANCELLED:
    case v1::Shipment::RETURNED_TO_SENDER:
      return false;
    default:
      return true;
  }
}

}  // namespace

grpc::ServerUnaryReactor* OrderService::PlaceOrder(grpc::CallbackServerContext* context,
                                                   const v1::PlaceOrderRequest* request,
                                                   v1::Order* response) {
  // What the customers service answered, from the call to the write.
  auto benefits = std::make_shared<absl::StatusOr<CheckoutBenefits>>();
  return deps_.rpc.CallThenWrite(
      context, request, response,
      {.check =
           [this, request] {
             std::vector<platform::FieldViolation> violations;
             CheckPlaceOrder(*request, deps_.currency, deps_.clock.Now(), violations);
             return platform::InvalidFields(violations);
           },
       .call =
           [this, request, benefits](const platform::RequestContext& rc,
                                     std::function<void(absl::Status)> done) {
             deps_.customers.GetCheckoutBenefits(
                 request->customer_id(), rc.request_id,
                 [benefits, done = std::move(done)](absl::StatusOr<CheckoutBenefits> answer) {
                   *benefits = std::move(answer);
                   done(benefits->status());
                 });
           },
       .write = [this, request, response, benefits](platform::Txn& txn,
                                                    const platform::RequestContext& rc,
                                                    const absl::Status& called) -> absl::Status {
         // Refused (unknown customer) or not answered: nothing is reserved.
         if (!called.ok()) return called;
         auto order = deps_.placement.Place(txn, *request, **benefits, rc.request_id);
         if (!order.ok()) return order.status();
         *response = *std::move(order);
         return absl::OkStatus();
       }});
}

grpc::ServerUnaryReactor* OrderService::GetOrder(grpc::CallbackServerContext* context,
                                                 const v1::GetOrderRequest* request,
                                                 v1::Order* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext& rc) {
    auto order = Load(request->order_id(), rc);
    if (!order.ok()) return order.status();
    *response = *std::move(order);
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Order> OrderService::Load(absl::string_view order_id,
                                             const platform::RequestContext& rc) const {
  auto order = deps_.orders.FindOrder(order_id);
  if (!order.ok()) return order.status();
  if (absl::Status s =
          rc.CheckOwner(order->record.order().customer_id(), deps_.orders.orders().Missing());
      !s.ok()) {
    return s;
  }
  auto shipments = deps_.orders.ShipmentsOf(order->record);
  if (!shipments.ok()) return shipments.status();
  auto pickups = deps_.orders.PickupsOf(order->record);
  if (!pickups.ok()) return pickups.status();
  return OrderAnswer(deps_.orders, *order, *shipments, *pickups);
}

grpc::ServerUnaryReactor* OrderService::ListCustomerOrders(
    grpc::CallbackServerContext* context, const v1::ListCustomerOrdersRequest* request,
    v1::ListCustomerOrdersResponse* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext& rc) -> absl::Status {
    std::vector<platform::FieldViolation> violations;
    platform::PageRequest page =
        platform::ReadPageRequest(request->page_size(), request->page_token(),
                                  {.default_size = 10, .max_size = 50}, violations);
    if (violations.empty() && !page.after.empty() && !IsListPosition(page.after)) {
      violations.push_back({"pageToken", "is not a token this list answered"});
    }
    if (!violations.empty()) return platform::InvalidFields(violations);
    std::string next;
    auto ids = deps_.orders.NewestOf(request->customer_id(), page.after, page.size, &next);
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto order = Load(id, rc);
      if (!order.ok()) return order.status();
      *response->add_orders() = *std::move(order);
    }
    if (!next.empty()) response->set_next_page_token(platform::PageTokenAfter(next));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrderService::CancelOrder(grpc::CallbackServerContext* context,
                                                    const v1::CancelOrderRequest* request,
                                                    v1::Order* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             platform::CheckText("reason", request->reason(), {.max_chars = 500}, violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Cancel(txn, *request, rc, response);
           }});
}

absl::Status OrderService::Cancel(platform::Txn& txn, const v1::CancelOrderRequest& request,
                                  const platform::RequestContext& rc, v1::Order* response) {
  auto& orders = deps_.orders.orders();
  auto order = deps_.orders.LockOrder(txn, request.order_id());
  if (!order.ok()) return order.status();
  if (absl::Status s = rc.CheckOwner(order->record.order().customer_id(), orders.Missing());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = platform::CheckEtag({.version = order->version}, rc.if_match); !s.ok()) {
    return s;
  }
  absl::Time now = deps_.clock.Now();
  std::vector<StoredShipment> all;
  for (const std::string& id : order->record.shipment_ids()) {
    auto shipment = deps_.orders.shipments().GetForUpdate(txn, id);
    if (!shipment.ok()) return shipment.status();
    all.push_back(*std::move(shipment));
  }
  std::vector<store::v1::ShipmentRecord> records;
  for (const StoredShipment& shipment : all) records.push_back(shipment.record);
  CancelPlan plan = PlanCancel(order->record, records);
  if (plan.cancel.empty()) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonNothingToCancel,
                           "every shipment of this order has left its warehouse or is cancelled");
  }
  std::vector<v1::Shipment> cancelled;
  for (size_t i = 0; i < all.size(); ++i) {
    const store::v1::ShipmentRecord& after = plan.shipments[i];
    if (after.SerializeAsString() == all[i].record.SerializeAsString()) continue;
    if (after.shipment().status() == v1::Shipment::CANCELLED) cancelled.push_back(after.shipment());
    if (absl::Status s = deps_.changes.Save(txn, all[i], after, rc.request_id, false); !s.ok()) {
      return s;
    }
  }
  // Their units return: reserved ones to what is free, backordered ones stop waiting.
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> returned;
  for (size_t i : plan.cancel) {
    const store::v1::ShipmentRecord& record = all[i].record;
    for (const store::v1::Part& part : record.parts()) {
      auto& [reserved, backordered] = returned[{part.sku(), record.shipment().warehouse_id()}];
      (part.reserved() ? reserved : backordered) += part.quantity();
    }
  }
  for (const auto& [key, units] : returned) {
    auto level = deps_.stock.GetForUpdate(txn, key.first, key.second);
    if (!level.ok()) return level.status();
    level->stock.set_reserved(std::max<int64_t>(0, level->stock.reserved() - units.first));
    level->stock.set_backordered(std::max<int64_t>(0, level->stock.backordered() - units.second));
    *level->stock.mutable_updated_at() = platform::ToTimestamp(now);
    // What was freed serves the backorders waiting here first (the cancelled shipments,
    // already stored as such, no longer wait).
    if (absl::Status s = deps_.releases.ServeBackorders(txn, deps_.stock, *level, rc.request_id);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = deps_.stock.Put(txn, *level); !s.ok()) return s;
  }
  store::v1::OrderRecord record = plan.order;
  v1::Order& o = *record.mutable_order();
  o.set_cancel_reason(request.reason());
  *o.mutable_cancelled_at() = platform::ToTimestamp(now);
  *o.mutable_updated_at() = platform::ToTimestamp(now);
  if (auto updated = orders.Update(txn, *order, record); !updated.ok()) return updated.status();
  if (absl::Status s = deps_.changes.RollUp(txn, request.order_id(), rc.request_id); !s.ok()) {
    return s;
  }
  auto answer = LoadIn(txn, request.order_id());
  if (!answer.ok()) return answer.status();
  if (absl::Status s =
          PublishOrderCancelled(deps_.outbox, txn, *answer, cancelled,
                                answer->status() == v1::Order::CANCELLED, now, rc.request_id);
      !s.ok()) {
    return s;
  }
  *response = *std::move(answer);
  return absl::OkStatus();
}

absl::StatusOr<v1::Order> OrderService::LoadIn(platform::Txn& txn,
                                               absl::string_view order_id) const {
  auto order = deps_.orders.orders().GetForUpdate(txn, order_id);
  if (!order.ok()) return order.status();
  std::vector<StoredShipment> shipments, pickups;
  for (const std::string& id : order->record.shipment_ids()) {
    auto shipment = deps_.orders.shipments().GetForUpdate(txn, id);
    if (!shipment.ok()) return shipment.status();
    shipments.push_back(*std::move(shipment));
  }
  for (const std::string& id : order->record.pickup_ids()) {
    auto pickup = deps_.orders.shipments().GetForUpdate(txn, id);
    if (!pickup.ok()) return pickup.status();
    pickups.push_back(*std::move(pickup));
  }
  return OrderAnswer(deps_.orders, *order, shipments, pickups);
}

grpc::ServerUnaryReactor* OrderService::MarkRefunded(grpc::CallbackServerContext* context,
                                                     const v1::MarkRefundedRequest* request,
                                                     v1::Order* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             platform::CheckText("reference", request->reference(), {.max_chars = 100}, violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Refunded(txn, *request, rc, response);
           }});
}

absl::Status OrderService::Refunded(platform::Txn& txn, const v1::MarkRefundedRequest& request,
                                    const platform::RequestContext& rc, v1::Order* response) {
  auto& orders = deps_.orders.orders();
  auto order = deps_.orders.LockOrder(txn, request.order_id());
  if (!order.ok()) return order.status();
  if (absl::Status s = platform::CheckEtag({.version = order->version}, rc.if_match); !s.ok()) {
    return s;
  }
  store::v1::OrderRecord record = order->record;
  v1::Order& o = *record.mutable_order();
  if (o.payment_status() != v1::Order::REFUND_DUE || o.refund_due_cents() == 0) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonNoRefundDue,
                           "this order owes the customer nothing back");
  }
  o.set_refunded_cents(o.refunded_cents() + o.refund_due_cents());
  o.set_refund_due_cents(0);
  o.set_payment_status(v1::Order::REFUNDED);
  o.set_refund_reference(request.reference());
  *o.mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  if (auto updated = orders.Update(txn, *order, record); !updated.ok()) return updated.status();
  auto answer = LoadIn(txn, request.order_id());
  if (!answer.ok()) return answer.status();
  *response = *std::move(answer);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* OrderService::GetReturnableLines(
    grpc::CallbackServerContext* context, const v1::GetReturnableLinesRequest* request,
    v1::ReturnableLines* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext& rc) {
    auto order = Load(request->order_id(), rc);
    if (!order.ok()) return order.status();
    *response = ReturnableLinesOf(*order, deps_.clock.Now());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrderService::GetOrdersSummary(grpc::CallbackServerContext* context,
                                                         const v1::GetOrdersSummaryRequest* request,
                                                         v1::OrdersSummary* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext& rc) {
    return Summary(request->customer_id(), rc, response);
  });
}

absl::Status OrderService::Summary(absl::string_view customer_id,
                                   const platform::RequestContext& rc,
                                   v1::OrdersSummary* response) const {
  constexpr int kLastOrders = 5, kScannedOrders = 10;
  std::string next;
  auto ids = deps_.orders.NewestOf(customer_id, "", kScannedOrders, &next);
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    auto order = Load(id, rc);
    if (!order.ok()) return order.status();
    for (const v1::Shipment& shipment : order->shipments()) {
      if (IsOpen(shipment)) *response->add_open_shipments() = shipment;
    }
    if (response->last_orders_size() < kLastOrders) *response->add_last_orders() = *order;
  }
  return absl::OkStatus();
}

}  // namespace crm::orders
