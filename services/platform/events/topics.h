// Topics from types: every event message names its Kafka topic with the (crm.events.v1.topic)
// option (protos/crm/events/v1/topic.proto), so publishing, consuming and the dev broker's topic
// list come from the event types and no code names a topic.
//
//   absl::StatusOr<std::string> topic = TopicOf(*events::v1::ShipmentDelivered::descriptor());
//   std::vector<std::string> read = TopicsOf({events::v1::RefundIssued::descriptor(),
//                                             events::v1::ReviewPosted::descriptor()});
//   std::vector<std::string> all = EventTopics();   // the dev broker's topics
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace google::protobuf {
class Descriptor;
}

namespace crm::platform {

// The topic `type` is published on. Errors: INTERNAL when `type` has no topic option (it is
// not an event payload: a bug in the caller).
absl::StatusOr<std::string> TopicOf(const google::protobuf::Descriptor& type);

// Logs `status` (a type without a topic option) and aborts: for the calls below, whose types
// are written in code, so a missing option is a bug found at first use.
[[noreturn]] void ExitForMissingTopic(const absl::Status& status);

// The topic of `Event`. Crashes when it has no topic option.
template <typename Event>
std::string TopicOf() {
  auto topic = TopicOf(*Event::descriptor());
  if (!topic.ok()) ExitForMissingTopic(topic.status());
  return *topic;
}

// The topics of `types`, each once, in the order first named. Crashes when one has no topic
// option: the list is written in code, so this is a bug found at start.
std::vector<std::string> TopicsOf(const std::vector<const google::protobuf::Descriptor*>& types);

// Every topic named by an event message compiled into crm_protos, each once, sorted: what the
// dev broker creates.
std::vector<std::string> EventTopics();

}  // namespace crm::platform
