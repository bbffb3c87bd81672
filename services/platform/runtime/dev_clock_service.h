// crm.platform.v1.DevClockService over a SystemClock: lets tests and the simulator move one
// service's time forward. Registered only in --dev-mode.
#pragma once

#include "crm/platform/v1/dev_clock.grpc.pb.h"
#include "platform/base/clock.h"
#include "platform/runtime/rpc.h"

namespace crm::platform {

class DevClockService : public platform::v1::DevClockService::CallbackService {
 public:
  // `rpc` is made for DevClockService (admins and services only).
  DevClockService(SystemClock& clock, const Rpc& rpc) : clock_(clock), rpc_(rpc) {}

  grpc::ServerUnaryReactor* SetClockOffset(grpc::CallbackServerContext* context,
                                           const platform::v1::SetClockOffsetRequest* request,
                                           platform::v1::ClockReading* reading) override;
  grpc::ServerUnaryReactor* GetClock(grpc::CallbackServerContext* context,
                                     const platform::v1::GetClockRequest* request,
                                     platform::v1::ClockReading* reading) override;

 private:
  void Read(platform::v1::ClockReading* reading) const;
  SystemClock& clock_;
  const Rpc& rpc_;
};

}  // namespace crm::platform
