// Reads every event a topic holds right now, from the beginning of each partition to its end,
// without a consumer group (nothing is committed). For tools and tests that look at what went
// out (crm-mailbox, the identity tests); services consume through EventConsumer.
//
//   auto events = ReadTopic(brokers, "crm.notifications.v1", absl::Seconds(10));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/events/v1/envelope.pb.h"

namespace crm::platform {

// The envelopes on `topic`, in order within each partition. Errors: UNAVAILABLE when the
// brokers do not answer or the end is not reached within `timeout`; INTERNAL for a message that
// is not an envelope.
absl::StatusOr<std::vector<events::v1::EventEnvelope>> ReadTopic(const std::string& brokers,
                                                                 const std::string& topic,
                                                                 absl::Duration timeout);

}  // namespace crm::platform
