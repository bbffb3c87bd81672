#include "gateway/stages/call.h"

#include "gateway/errors/reasons.h"
#include "gateway/stages/compose.h"
#include "gateway/stages/transcode.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {

Reply ReadReply(platform::RawReply raw, const google::protobuf::Descriptor& type,
                const std::string& area, platform::Metrics& metrics) {
  Reply reply;
  reply.upstream_status = platform::CodeName(raw.status.error_code());
  if (!raw.status.ok()) {
    metrics
        .AddCounter("crm_gateway_upstream_errors_total",
                    "Errors from the services, by service and code",
                    {{"service", area}, {"code", reply.upstream_status}})
        .Increment();
    reply.error = FromGrpc(raw.status);
    return reply;
  }
  reply.message.reset(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
  if (!reply.message->ParseFromString(raw.bytes)) {
    reply.message.reset();
    reply.error = GatewayError(502, grpc::StatusCode::INTERNAL, kReasonBadUpstreamReply,
                               "the service sent an unreadable answer");
  }
  return reply;
}

void Caller::Call(std::shared_ptr<Exchange> exchange, absl::Duration deadline,
                  std::function<void(Reply)> done) {
  const Route& route = *exchange->route;
  if (!route.parts.empty()) {
    return Compose(upstreams_, metrics_, route, *exchange->message, deadline, exchange->metadata,
                   std::move(done));
  }
  upstreams_.Call(
      route.area, route.grpc_method, exchange->message->SerializeAsString(), deadline,
      exchange->metadata, [this, &route, done = std::move(done)](platform::RawReply raw) {
        Reply reply = ReadReply(std::move(raw), *route.method->output_type(), route.area, metrics_);
        if (reply.error) reply.error = AsClientWrote(route, *std::move(reply.error));
        done(std::move(reply));
      });
}

}  // namespace crm::gateway
