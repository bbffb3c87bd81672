#include "platform/events/topics.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/topic.pb.h"
#include "crm/proto_files.h"
#include "platform/base/log.h"

namespace crm::platform {

absl::StatusOr<std::string> TopicOf(const google::protobuf::Descriptor& type) {
  const std::string& topic = type.options().GetExtension(events::v1::topic);
  if (topic.empty()) {
    return absl::InternalError(absl::StrCat(type.full_name(),
                                            " has no (crm.events.v1.topic) option: it is not an "
                                            "event, or its proto lacks the option"));
  }
  return topic;
}

void ExitForMissingTopic(const absl::Status& status) {
  LogError("event type without a topic", {{"error", status.ToString()}});
  std::abort();
}

std::vector<std::string> TopicsOf(const std::vector<const google::protobuf::Descriptor*>& types) {
  std::vector<std::string> topics;
  for (const google::protobuf::Descriptor* type : types) {
    auto topic = TopicOf(*type);
    if (!topic.ok()) ExitForMissingTopic(topic.status());
    if (std::find(topics.begin(), topics.end(), *topic) == topics.end()) {
      topics.push_back(*topic);
    }
  }
  return topics;
}

std::vector<std::string> EventTopics() {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::vector<std::string> topics;
  for (const std::string& name : ProtoFiles()) {
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(name);
    if (file == nullptr) continue;
    for (int i = 0; i < file->message_type_count(); ++i) {
      const std::string& topic = file->message_type(i)->options().GetExtension(events::v1::topic);
      if (!topic.empty()) topics.push_back(topic);
    }
  }
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  return topics;
}

}  // namespace crm::platform
