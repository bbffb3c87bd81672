// What the producer (outbox relay) and the consumer loop share about talking to Kafka: the
// client configuration, and looking up a topic's partition count. Nothing here knows whether
// the brokers are a real Kafka cluster or the dev broker.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::platform {

// librdkafka configuration: `brokers` as bootstrap.servers, `client_id`, logs routed to our
// JSON log, plus `extra` properties. Errors: INVALID_ARGUMENT naming a rejected property.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> KafkaConf(
    const std::string& brokers, const std::string& client_id,
    const std::map<std::string, std::string>& extra);

// The number of partitions of `topic`. Errors: UNAVAILABLE when the cluster does not answer in
// `timeout` or does not know the topic; INTERNAL when librdkafka cannot make a topic handle.
absl::StatusOr<int> PartitionCount(RdKafka::Handle& handle, const std::string& topic,
                                   absl::Duration timeout);

}  // namespace crm::platform
