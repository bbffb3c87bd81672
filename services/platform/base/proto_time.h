// absl::Time <-> google.protobuf.Timestamp, at microsecond precision (what the services store
// and the JSON mapping prints).
//
//   *record.mutable_created_at() = ToTimestamp(clock.Now());
//   absl::Time expires = FromTimestamp(record.expires_at());
#pragma once

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include "absl/time/time.h"

namespace crm::platform {

inline google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts));
}

// True for a time a Timestamp may hold (years 1 to 9999, nanos within the second): what a
// request's time field must be before FromTimestamp reads it.
inline bool IsValidTimestamp(const google::protobuf::Timestamp& ts) {
  using google::protobuf::util::TimeUtil;
  return ts.seconds() >= TimeUtil::kTimestampMinSeconds &&
         ts.seconds() <= TimeUtil::kTimestampMaxSeconds && ts.nanos() >= 0 &&
         ts.nanos() <= 999'999'999;
}

}  // namespace crm::platform
