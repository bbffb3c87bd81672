#include "platform/events/topic_reader.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "platform/base/ids.h"
#include "platform/events/kafka.h"

namespace crm::platform {

absl::StatusOr<std::vector<events::v1::EventEnvelope>> ReadTopic(const std::string& brokers,
                                                                 const std::string& topic,
                                                                 absl::Duration timeout) {
  auto conf = KafkaConf(brokers, "crm-topic-reader",
                        {{"group.id", NewId("reader")},
                         {"enable.auto.commit", "false"},
                         {"enable.partition.eof", "true"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return absl::InternalError(absl::StrCat("kafka consumer: ", error));
  absl::Time deadline = absl::Now() + timeout;

  auto partitions = PartitionCount(*consumer, topic, timeout);
  if (!partitions.ok()) return partitions.status();
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < *partitions; ++p) {
    assignment.push_back(
        RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  RdKafka::ErrorCode assigned = consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (assigned != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("assign ", topic, ": ", RdKafka::err2str(assigned)));
  }

  std::vector<events::v1::EventEnvelope> events;
  std::set<int32_t> at_end;
  while (static_cast<int>(at_end.size()) < *partitions) {
    if (absl::Now() > deadline) {
      consumer->close();
      return absl::UnavailableError(absl::StrCat("reading ", topic, " timed out"));
    }
    std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR: {
        events::v1::EventEnvelope envelope;
        if (!envelope.ParseFromArray(message->payload(), static_cast<int>(message->len()))) {
          consumer->close();
          return absl::InternalError(absl::StrCat("a message on ", topic, " is no envelope"));
        }
        events.push_back(std::move(envelope));
        break;
      }
      case RdKafka::ERR__PARTITION_EOF:
        at_end.insert(message->partition());
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      default:
        consumer->close();
        return absl::UnavailableError(absl::StrCat("reading ", topic, ": ", message->errstr()));
    }
  }
  consumer->close();
  return events;
}

}  // namespace crm::platform
