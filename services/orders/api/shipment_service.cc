#include "orders/api/shipment_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "orders/api/answers.h"
#include "platform/base/ids.h"
#include "platform/base/paging.h"

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
  if (!platform::PartitionOfId(kOrderIdPrefix, request.order_id())) return orders.Missing();
  auto order = orders.Get(request.order_id());
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
    listed.emplace_back(absl::StrFormat("%04d", i), ShipmentAnswer((*shipments)[i]));
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
  if (!platform::PartitionOfId(kShipmentIdPrefix, request.shipment_id())) {
    return shipments.Missing();
  }
  auto shipment = shipments.Get(request.shipment_id());
  if (!shipment.ok()) return shipment.status();
  if (absl::Status s =
          rc.CheckOwner(shipment->record.shipment().customer_id(), shipments.Missing());
      !s.ok()) {
    return s;
  }
  *response = ShipmentAnswer(*shipment);
  return absl::OkStatus();
}

}  // namespace crm::orders
