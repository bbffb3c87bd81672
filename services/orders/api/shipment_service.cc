#include "orders/api/shipment_service.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "orders/api/answers.h"
#include "orders/domain/reasons.h"
#include "orders/store/column_families.h"
#include "platform/base/errors.h"
#include "platform/base/paging.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"
#include "platform/store/entity.h"

namespace crm::orders {

grpc::ServerUnaryReactor* ShipmentService::ListOrderShipments(
    grpc::CallbackServerContext* context, const v1::ListOrderShipmentsRequest* request,
    v1::ListOrderShipmentsResponse* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext& rc) {
    return List(*request, rc, response);
  });
}

absl::Status ShipmentService::List(const v1::ListOrderShipmentsRequest& request,
                                   const platform::RequestContext& rc,
                                   v1::ListOrderShipmentsResponse* response) const {
  auto page = platform::ReadPage(request.page_size(), request.page_token(),
                                 {.default_size = 20, .max_size = 100});
  if (!page.ok()) return page.status();
  const auto& orders = deps_.orders.orders();
  auto order = deps_.orders.FindOrder(request.order_id());
  if (!order.ok()) return order.status();
  if (absl::Status s = rc.CheckOwner(order->record.order().customer_id(), orders.Missing());
      !s.ok()) {
    return s;
  }
  auto shipments = deps_.orders.ShipmentsOf(order->record);
  if (!shipments.ok()) return shipments.status();
  // Positions are the planning order, fixed for the order's life.
  std::vector<std::pair<std::string, v1::Shipment>> listed;
  for (size_t i = 0; i < shipments->size(); ++i) {
    auto answer = ShipmentAnswer(deps_.orders, (*shipments)[i]);
    if (!answer.ok()) return answer.status();
    listed.emplace_back(absl::StrFormat("%04d", i), *std::move(answer));
  }
  std::string next;
  for (auto& [position, shipment] : platform::TakePage(
           std::move(listed), *page, [](const auto& p) { return p.first; }, &next)) {
    *response->add_shipments() = std::move(shipment);
  }
  response->set_next_page_token(next);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ShipmentService::GetShipment(grpc::CallbackServerContext* context,
                                                       const v1::GetShipmentRequest* request,
                                                       v1::Shipment* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext& rc) {
    return Get(*request, rc, response);
  });
}

absl::Status ShipmentService::Get(const v1::GetShipmentRequest& request,
                                  const platform::RequestContext& rc,
                                  v1::Shipment* response) const {
  const auto& shipments = deps_.orders.shipments();
  auto shipment = deps_.orders.FindShipment(request.shipment_id());
  if (!shipment.ok()) return shipment.status();
  if (absl::Status s =
          rc.CheckOwner(shipment->record.shipment().customer_id(), shipments.Missing());
      !s.ok()) {
    return s;
  }
  auto answer = ShipmentAnswer(deps_.orders, *shipment);
  if (!answer.ok()) return answer.status();
  *response = *std::move(answer);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ShipmentService::ListShipments(grpc::CallbackServerContext* context,
                                                         const v1::ListShipmentsRequest* request,
                                                         v1::ListShipmentsResponse* response) {
  return deps_.rpc.Read(context, *request,
                        [&](const platform::RequestContext&) { return Queue(*request, response); });
}

absl::Status ShipmentService::Queue(const v1::ListShipmentsRequest& request,
                                    v1::ListShipmentsResponse* response) const {
  std::vector<platform::FieldViolation> violations;
  platform::PageRequest page = platform::ReadPageRequest(
      request.page_size(), request.page_token(), {.default_size = 50, .max_size = 100}, violations);
  if (!v1::Shipment::Status_IsValid(request.status())) {
    violations.push_back({"status", "is not a shipment status"});
  }
  if (!request.warehouse_id().empty()) {
    platform::CheckSku("warehouseId", request.warehouse_id(), violations);
  }
  if (!request.carrier_id().empty()) {
    platform::CheckSku("carrierId", request.carrier_id(), violations);
  }
  if (!violations.empty()) return platform::InvalidFields(violations);
  std::string status = request.status() == v1::Shipment::STATUS_UNSPECIFIED
                           ? ""
                           : absl::StrCat(v1::Shipment::Status_Name(request.status()), "/");
  // The narrowest index the filters allow; the others are checked on each shipment read.
  absl::string_view cf = kShipmentsByStatusCf;
  std::string prefix = status;
  if (request.late()) {
    cf = kLateShipmentsCf;
  } else if (!request.carrier_id().empty()) {
    cf = kCarrierShipmentsCf;
    prefix = absl::StrCat(request.carrier_id(), "/", status);
  } else if (!request.warehouse_id().empty()) {
    cf = kShipmentsByWarehouseCf;
    prefix = absl::StrCat(request.warehouse_id(), "/", status);
  }
  std::map<std::string, v1::Shipment> read;
  absl::Status unreadable;
  auto keep = [&](const std::string& id) {
    auto shipment = deps_.orders.shipments().Get(id);
    if (!shipment.ok()) {
      unreadable = shipment.status();
      return false;
    }
    const v1::Shipment& s = shipment->record.shipment();
    bool match = (request.warehouse_id().empty() || s.warehouse_id() == request.warehouse_id()) &&
                 (request.carrier_id().empty() || s.carrier_id() == request.carrier_id());
    if (!match) return false;
    auto answer = ShipmentAnswer(deps_.orders, *shipment);
    if (!answer.ok()) {
      unreadable = answer.status();
      return false;
    }
    read[id] = *std::move(answer);
    return true;
  };
  std::string next;
  auto ids = deps_.orders.ScanIndex(cf, prefix, page.after, page.size, keep, &next);
  if (!ids.ok()) return ids.status();
  if (!unreadable.ok()) return unreadable;
  for (const std::string& id : *ids) *response->add_shipments() = std::move(read[id]);
  if (!next.empty()) response->set_next_page_token(platform::PageTokenAfter(next));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ShipmentService::AssignShipment(grpc::CallbackServerContext* context,
                                                          const v1::AssignShipmentRequest* request,
                                                          v1::Shipment* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             platform::CheckSku("carrierId", request->carrier_id(), violations);
             platform::CheckSku("trackingNumber", request->tracking_number(), violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Assign(txn, *request, rc, response);
           }});
}

absl::Status ShipmentService::Assign(platform::Txn& txn, const v1::AssignShipmentRequest& request,
                                     const platform::RequestContext& rc, v1::Shipment* response) {
  auto& shipments = deps_.orders.shipments();
  auto shipment = deps_.orders.LockShipment(txn, request.shipment_id());
  if (!shipment.ok()) return shipment.status();
  if (absl::Status s = platform::CheckEtag({.version = shipment->version}, rc.if_match); !s.ok()) {
    return s;
  }
  if (auto carrier = deps_.carriers.Get(request.carrier_id()); !carrier.ok()) {
    return carrier.status();
  }
  const v1::Shipment& current = shipment->record.shipment();
  if (current.status() != v1::Shipment::READY) {
    return platform::Error(
        absl::StatusCode::kFailedPrecondition, kReasonShipmentNotReady,
        absl::StrCat("a shipment is handed to a carrier when READY; this one is ",
                     v1::Shipment::Status_Name(current.status())));
  }
  // Its units leave the warehouse: counted out of on-hand and out of what they reserved.
  std::vector<store::v1::Part> parts(shipment->record.parts().begin(),
                                     shipment->record.parts().end());
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.sku() < b.sku(); });
  for (const store::v1::Part& part : parts) {
    auto level = deps_.stock.GetForUpdate(txn, part.sku(), current.warehouse_id());
    if (!level.ok()) return level.status();
    level->stock.set_on_hand(std::max<int64_t>(0, level->stock.on_hand() - part.quantity()));
    level->stock.set_reserved(std::max<int64_t>(0, level->stock.reserved() - part.quantity()));
    *level->stock.mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
    if (absl::Status s = deps_.stock.Put(txn, *level); !s.ok()) return s;
  }
  store::v1::ShipmentRecord handed = shipment->record;
  v1::Shipment& s = *handed.mutable_shipment();
  s.set_status(v1::Shipment::HANDED_TO_CARRIER);
  s.set_carrier_id(request.carrier_id());
  s.set_tracking_number(request.tracking_number());
  *s.mutable_handed_over_at() = platform::ToTimestamp(deps_.clock.Now());
  if (absl::Status saved = deps_.changes.Save(txn, *shipment, handed, rc.request_id); !saved.ok()) {
    return saved;
  }
  auto stored = shipments.GetForUpdate(txn, request.shipment_id());
  if (!stored.ok()) return stored.status();
  auto answer = ShipmentAnswer(deps_.orders, *stored);
  if (!answer.ok()) return answer.status();
  *response = *std::move(answer);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ShipmentService::ListCodMismatches(
    grpc::CallbackServerContext* context, const v1::ListCodMismatchesRequest* request,
    v1::ListCodMismatchesResponse* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    auto page = platform::ReadPage(request->page_size(), request->page_token(),
                                   {.default_size = 50, .max_size = 100});
    if (!page.ok()) return page.status();
    std::string next;
    auto mismatches = deps_.orders.CodMismatches(page->after, page->size, &next);
    if (!mismatches.ok()) return mismatches.status();
    for (v1::CodMismatch& m : *mismatches) *response->add_mismatches() = std::move(m);
    if (!next.empty()) response->set_next_page_token(platform::PageTokenAfter(next));
    return absl::OkStatus();
  });
}

}  // namespace crm::orders
