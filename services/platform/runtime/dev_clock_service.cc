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
  auto* reactor = context->DefaultReactor();
  if (auto admitted = access_.Admit(*context, "SetClockOffset", *request); !admitted.ok()) {
    reactor->Finish(ToGrpcStatus(admitted.status()));
    return reactor;
  }
  absl::Duration offset = absl::Microseconds(TimeUtil::DurationToMicroseconds(request->offset()));
  if (offset < clock_.offset()) {
    reactor->Finish(
        ToGrpcStatus(InvalidFields({{"offset",
                                     "must not be less than the current offset: time never runs "
                                     "backwards"}})));
    return reactor;
  }
  clock_.SetOffset(offset);
  LogWarning("dev clock offset set", {{"offset", absl::FormatDuration(offset)}});
  Read(reading);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* DevClockService::GetClock(grpc::CallbackServerContext* context,
                                                    const platform::v1::GetClockRequest* request,
                                                    platform::v1::ClockReading* reading) {
  auto* reactor = context->DefaultReactor();
  absl::Status admitted = access_.Admit(*context, "GetClock", *request).status();
  if (admitted.ok()) Read(reading);
  reactor->Finish(ToGrpcStatus(admitted));
  return reactor;
}

}  // namespace crm::platform
