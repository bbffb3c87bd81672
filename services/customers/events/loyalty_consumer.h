// What the customers service consumes: the facts other services report that earn or reverse
// points (ShipmentDelivered from orders; RefundIssued and ReviewPosted from aftersales), applied
// by LoyaltyService::Apply. The topics read are those of these types (their
// (crm.events.v1.topic) option), so adding a type here is all it takes to read its topic.
//
//   ConsumeLoyaltyEvents(rt, loyalty);   // in main, before rt.Serve
#pragma once

#include <vector>

#include "customers/api/loyalty_service.h"
#include "platform/runtime/runtime.h"

namespace google::protobuf {
class Descriptor;
}

namespace crm::customers {

// The event types LoyaltyService::Apply handles.
const std::vector<const google::protobuf::Descriptor*>& LoyaltyEventTypes();

// Has `loyalty` apply those events from `runtime`'s consumer, from Serve on.
void ConsumeLoyaltyEvents(platform::Runtime& runtime, LoyaltyService& loyalty);

}  // namespace crm::customers
