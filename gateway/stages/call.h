// Stage 5, call: the route's RPC, called by name with the exchange's message, metadata and the
// route's deadline (upstream/upstreams.h), or for a composed route its parts, all at once
// (compose.h). The HTTP thread returns as soon as the calls are started; the reply comes on a
// gRPC thread.
//
//   Caller caller(upstreams, metrics);
//   caller.Call(exchange, deadline, [](Reply reply) { ... });
//
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gateway/errors/http_errors.h"
#include "gateway/stages/exchange.h"
#include "gateway/upstream/upstreams.h"
#include "google/protobuf/message.h"
#include "platform/base/metrics.h"

namespace crm::gateway {

struct Reply {
  // The answer, of the route's response type; nullptr when `error` is set.
  std::unique_ptr<google::protobuf::Message> message;
  // The service's error as the client gets it, or 502 BAD_UPSTREAM_REPLY for an answer that
  // does not parse.
  std::optional<HttpError> error;
  // The gRPC code's name, for the access log.
  std::string upstream_status;
};

// What a service's raw reply is: its answer parsed as `type`, or its error (counted in
// crm_gateway_upstream_errors_total{service=area,code}).
Reply ReadReply(platform::RawReply raw, const google::protobuf::Descriptor& type,
                const std::string& area, platform::Metrics& metrics);

class Caller {
 public:
  Caller(Upstreams& upstreams, platform::Metrics& metrics)
      : upstreams_(upstreams), metrics_(metrics) {}

  // Calls `done` once with the reply, on a gRPC thread (or now, when no call is made).
  void Call(std::shared_ptr<Exchange> exchange, absl::Duration deadline,
            std::function<void(Reply)> done);

 private:
  Upstreams& upstreams_;
  platform::Metrics& metrics_;
};

}  // namespace crm::gateway
