#include "platform/events/topic_writer.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "platform/base/partitioning.h"
#include "platform/events/kafka.h"

namespace crm::platform {
namespace {

// Remembers the broker's verdict on the one message: flush() returning says only that no
// message is waiting any more, not that it was accepted.
class Verdict : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    error = message.err();
    reported = true;
  }
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  bool reported = false;
};

}  // namespace

absl::Status PublishEnvelope(const std::string& brokers, const std::string& topic,
                             const events::v1::EventEnvelope& envelope, absl::Duration timeout) {
  if (envelope.subject().empty()) return absl::InvalidArgumentError("envelope without subject");
  auto conf = KafkaConf(brokers, "crm-topic-writer", {{"enable.idempotence", "true"}});
  if (!conf.ok()) return conf.status();
  Verdict verdict;
  std::string error;
  if ((*conf)->set("dr_cb", &verdict, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka delivery report: ", error));
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
  if (!producer) return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", error));
  auto partitions = PartitionCount(*producer, topic, timeout);
  if (!partitions.ok()) return partitions.status();
  std::string value = envelope.SerializeAsString();
  RdKafka::ErrorCode produced = producer->produce(
      topic, PartitionOf(envelope.subject(), *partitions), RdKafka::Producer::RK_MSG_COPY,
      value.data(), value.size(), envelope.subject().data(), envelope.subject().size(), 0, nullptr);
  if (produced != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("produce: ", RdKafka::err2str(produced)));
  }
  RdKafka::ErrorCode flushed =
      producer->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (flushed != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("flush: ", RdKafka::err2str(flushed)));
  }
  if (!verdict.reported || verdict.error != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat(
        "not delivered: ", verdict.reported ? RdKafka::err2str(verdict.error) : "no report"));
  }
  return absl::OkStatus();
}

}  // namespace crm::platform
