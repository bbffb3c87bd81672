// crm.platform.v1.DeadLetterService, served by every service: lists the dead-letter column
// family and replays it through the service's consumers. Thread-safe.
#pragma once

#include <vector>

#include "crm/platform/v1/dead_letters.grpc.pb.h"
#include "platform/events/event_consumer.h"
#include "platform/runtime/rpc.h"
#include "platform/store/store.h"

namespace crm::platform {

class DeadLetterService : public platform::v1::DeadLetterService::CallbackService {
 public:
  // `consumers` and `rpc` (made for DeadLetterService) must outlive it.
  DeadLetterService(const Store& store, std::vector<EventConsumer*> consumers, const Rpc& rpc);

  grpc::ServerUnaryReactor* ListDeadLetters(
      grpc::CallbackServerContext* context, const platform::v1::ListDeadLettersRequest* request,
      platform::v1::ListDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDeadLetters(
      grpc::CallbackServerContext* context, const platform::v1::ReplayDeadLettersRequest* request,
      platform::v1::ReplayDeadLettersResponse* response) override;

 private:
  absl::Status List(const platform::v1::ListDeadLettersRequest& request,
                    platform::v1::ListDeadLettersResponse* response) const;
  absl::Status Replay(platform::v1::ReplayDeadLettersResponse* response);

  const Store& store_;
  const std::vector<EventConsumer*> consumers_;
  const Rpc& rpc_;
};

}  // namespace crm::platform
