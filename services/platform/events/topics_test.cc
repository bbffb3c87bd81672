#include "platform/events/topics.h"

#include <google/protobuf/wrappers.pb.h>

#include <catch2/catch.hpp>

#include "crm/events/v1/aftersales.pb.h"
#include "crm/events/v1/customers.pb.h"
#include "crm/events/v1/envelope.pb.h"
#include "crm/events/v1/notifications.pb.h"
#include "crm/events/v1/orders.pb.h"

namespace crm::platform {
namespace {

TEST_CASE("an event's topic comes from its type", "[topics]") {
  CHECK(*TopicOf(*events::v1::CustomerRegistered::descriptor()) == "crm.customers.v1");
  CHECK(*TopicOf(*events::v1::PointsRedeemed::descriptor()) == "crm.customers.v1");
  CHECK(*TopicOf(*events::v1::ShipmentDelivered::descriptor()) == "crm.orders.v1");
  CHECK(*TopicOf(*events::v1::RefundIssued::descriptor()) == "crm.aftersales.v1");
  CHECK(*TopicOf(*events::v1::PasswordResetRequested::descriptor()) == "crm.notifications.v1");
  CHECK(TopicOf<events::v1::SessionRevoked>() == "crm.customers.v1");
}

TEST_CASE("a message that is not an event has no topic", "[topics]") {
  auto envelope = TopicOf(*events::v1::EventEnvelope::descriptor());
  CHECK(envelope.status().code() == absl::StatusCode::kInternal);
  CHECK(TopicOf(*events::v1::PasswordResetMessage::descriptor()).status().code() ==
        absl::StatusCode::kInternal);
  CHECK(TopicOf(*google::protobuf::StringValue::descriptor()).status().code() ==
        absl::StatusCode::kInternal);
}

TEST_CASE("topics of several types are listed once each, in order", "[topics]") {
  CHECK(
      TopicsOf({events::v1::ShipmentDelivered::descriptor(), events::v1::RefundIssued::descriptor(),
                events::v1::ReviewPosted::descriptor()}) ==
      std::vector<std::string>{"crm.orders.v1", "crm.aftersales.v1"});
}

TEST_CASE("every event topic compiled in, for the dev broker", "[topics]") {
  CHECK(EventTopics() == std::vector<std::string>{"crm.aftersales.v1", "crm.customers.v1",
                                                  "crm.notifications.v1", "crm.orders.v1",
                                                  "crm.tracking.inbound.v1"});
}

}  // namespace
}  // namespace crm::platform
