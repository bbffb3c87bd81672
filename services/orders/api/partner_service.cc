#include "orders/api/partner_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "orders/api/answers.h"
#include "orders/domain/tracking.h"
#include "platform/base/errors.h"
#include "platform/base/paging.h"
#include "platform/base/text.h"

namespace crm::orders {

grpc::ServerUnaryReactor* PartnerService::ListPartnerShipments(
    grpc::CallbackServerContext* context, const v1::ListPartnerShipmentsRequest* request,
    v1::ListPartnerShipmentsResponse* response) {
  return deps_.rpc.Read(context, *request,
                        [&](const platform::RequestContext&) { return List(*request, response); });
}

absl::Status PartnerService::List(const v1::ListPartnerShipmentsRequest& request,
                                  v1::ListPartnerShipmentsResponse* response) const {
  std::vector<platform::FieldViolation> violations;
  platform::PageRequest page = platform::ReadPageRequest(
      request.page_size(), request.page_token(), {.default_size = 50, .max_size = 100}, violations);
  if (!v1::Shipment::Status_IsValid(request.status())) {
    violations.push_back({"status", "is not a shipment status"});
  }
  // A position is "<status>/<shipment id>" (or the id alone within one status).
  if (!page.after.empty() && !platform::IsValidSku(page.after.substr(page.after.rfind('/') + 1))) {
    violations.push_back({"pageToken", "is not a token this list answered"});
  }
  if (!violations.empty()) return platform::InvalidFields(violations);
  std::string status = request.status() == v1::Shipment::STATUS_UNSPECIFIED
                           ? ""
                           : v1::Shipment::Status_Name(request.status());
  std::string next;
  auto ids =
      deps_.orders.CarrierShipments(request.carrier_id(), status, page.after, page.size, &next);
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    auto shipment = deps_.orders.shipments().Get(id);
    if (!shipment.ok()) return shipment.status();
    auto answer = ShipmentAnswer(deps_.orders, *shipment);
    if (!answer.ok()) return answer.status();
    *response->add_shipments() = *std::move(answer);
  }
  if (!next.empty()) response->set_next_page_token(platform::PageTokenAfter(next));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PartnerService::PostTrackingEvents(
    grpc::CallbackServerContext* context, const v1::PostTrackingEventsRequest* request,
    v1::PostTrackingEventsResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check = [request]() -> absl::Status {
         if (request->events_size() > kMaxTrackingBatch) {
           return platform::Error(
               absl::StatusCode::kOutOfRange, platform::kReasonBatchTooLarge,
               absl::StrCat("at most ", kMaxTrackingBatch, " events a batch"),
               {{"events", absl::StrCat("must be at most ", kMaxTrackingBatch)}});
         }
         if (request->events().empty()) {
           return platform::InvalidFields({{"events", "must hold at least one event"}});
         }
         return absl::OkStatus();
       },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             auto results =
                 deps_.tracking.Apply(txn, request->carrier_id(), request->events(), rc.request_id);
             if (!results.ok()) return results.status();
             for (v1::TrackingResult& result : *results) {
               *response->add_results() = std::move(result);
             }
             return absl::OkStatus();
           }});
}

}  // namespace crm::orders
