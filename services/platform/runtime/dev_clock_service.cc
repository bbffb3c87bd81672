#include "platform/runtime/dev_clock_service.h"

#include <google/protobuf/util/time_util.h>

#include "platform/base/errors.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"

namespace crm::platform {

using google::protobuf::util::TimeUtil;

void DevClockService::Read(platform::v1::ClockReading* reading) const {
  *reading->mutable_now() = ToTimestamp(clock_.Now());
  *reading->mutable_offset() =
      TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(clock_.offset()));
}

grpc::ServerUnaryReactor* DevClockService::SetClockOffset(
    grpc::CallbackServerContext* context, const platform::v1::SetClockOffsetRequest* request,
    platform::v1::ClockReading* reading) {
  // The offset lives in memory only: no transaction, so the read shape.
  return rpc_.Read(context, *request, [&](const RequestContext&) -> absl::Status {
    absl::Duration offset = absl::Microseconds(TimeUtil::DurationToMicroseconds(request->offset()));
    if (offset < clock_.offset()) {
      return InvalidFields(
          {{"offset", "must not be less than the current offset: time never runs backwards"}});
    }
    clock_.SetOffset(offset);
    LogWarning("dev clock offset set", {{"offset", absl::FormatDuration(offset)}});
    Read(reading);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DevClockService::GetClock(grpc::CallbackServerContext* context,
                                                    const platform::v1::GetClockRequest* request,
                                                    platform::v1::ClockReading* reading) {
  return rpc_.Read(context, *request, [&](const RequestContext&) {
    Read(reading);
    return absl::OkStatus();
  });
}

}  // namespace crm::platform
