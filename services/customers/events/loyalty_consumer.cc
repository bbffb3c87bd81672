#include "customers/events/loyalty_consumer.h"

#include "crm/events/v1/aftersales.pb.h"
#include "crm/events/v1/orders.pb.h"

namespace crm::customers {

const std::vector<const google::protobuf::Descriptor*>& LoyaltyEventTypes() {
  static const auto* const kTypes = new std::vector<const google::protobuf::Descriptor*>{
      events::v1::ShipmentDelivered::descriptor(),
      events::v1::RefundIssued::descriptor(),
      events::v1::ReviewPosted::descriptor(),
  };
  return *kTypes;
}

void ConsumeLoyaltyEvents(platform::Runtime& runtime, LoyaltyService& loyalty) {
  runtime.Consume(LoyaltyEventTypes(),
                  [&loyalty](platform::Txn& txn, const events::v1::EventEnvelope& event) {
                    return loyalty.Apply(txn, event);
                  });
}

}  // namespace crm::customers
