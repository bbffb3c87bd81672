// Publishes one event envelope straight to a topic, keyed and partitioned by its subject the
// way the outbox relay does, for tools and tests that play another service (crm-publish, the
// loyalty tests). Services publish through their outbox only.
//
//   PublishEnvelope(brokers, "crm.orders.v1", envelope, absl::Seconds(10));
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/events/v1/envelope.pb.h"

namespace crm::platform {

// Errors: UNAVAILABLE when the brokers do not take it within `timeout`; INVALID_ARGUMENT for a
// bad Kafka configuration or an envelope without subject.
absl::Status PublishEnvelope(const std::string& brokers, const std::string& topic,
                             const events::v1::EventEnvelope& envelope, absl::Duration timeout);

}  // namespace crm::platform
