#include "platform/events/kafka.h"

#include "absl/strings/str_cat.h"
#include "platform/base/log.h"

namespace crm::platform {
namespace {

// librdkafka's own log lines, as our JSON lines. Called from librdkafka's threads.
class KafkaLog : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    switch (event.type()) {
      case RdKafka::Event::EVENT_ERROR:
        LogWarning("kafka error",
                   {{"error", RdKafka::err2str(event.err())}, {"detail", event.str()}});
        break;
      case RdKafka::Event::EVENT_LOG:
        if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
          LogWarning("kafka", {{"facility", event.fac()}, {"detail", event.str()}});
        }
        break;
      default:
        break;
    }
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> KafkaConf(
    const std::string& brokers, const std::string& client_id,
    const std::map<std::string, std::string>& extra) {
  static KafkaLog log;  // stateless; shared by every client of the process
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::map<std::string, std::string> properties = {{"bootstrap.servers", brokers},
                                                   {"client.id", client_id}};
  properties.insert(extra.begin(), extra.end());
  for (const auto& [name, value] : properties) {
    if (conf->set(name, value, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka property ", name, ": ", err));
    }
  }
  if (conf->set("event_cb", &log, err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  return conf;
}

absl::StatusOr<int> PartitionCount(RdKafka::Handle& handle, const std::string& topic_name,
                                   absl::Duration timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(&handle, topic_name, nullptr, err));
  if (!topic) return absl::InternalError(absl::StrCat("topic handle ", topic_name, ": ", err));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code = handle.metadata(false, topic.get(), &raw,
                                            static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("metadata of ", topic_name, ": ", RdKafka::err2str(code)));
  }
  for (const auto* t : *metadata->topics()) {
    if (t->topic() == topic_name && t->err() == RdKafka::ERR_NO_ERROR &&
        !t->partitions()->empty()) {
      return static_cast<int>(t->partitions()->size());
    }
  }
  return absl::UnavailableError(absl::StrCat("topic ", topic_name, " is unknown to the cluster"));
}

}  // namespace crm::platform
