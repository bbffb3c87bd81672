// crm-publish: publishes one event as another service would, for trying things by hand before
// that service exists (e.g. a delivery that earns loyalty points). The payload is JSON of any
// event type compiled into this binary; its customerId is the subject and the Kafka key.
// `./crm publish` runs it against the local broker.
//
//   crm-publish <bootstrap> crm.orders.v1 crm.events.v1.ShipmentDelivered          (one line)
//     '{"shipmentId":"sh_1","orderId":"o_1","customerId":"c_...","amountCents":"10000",
//       "currency":"EUR"}' [event-id]
//
// Prints the event id; publishing it again with the same id is what a relay retry looks like.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <memory>
#include <string>

#include "platform/base/ids.h"
#include "platform/events/topic_writer.h"

using namespace crm;

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(
        stderr,
        "usage: crm-publish <bootstrap> <topic> <event type> '<payload json>' [event-id]\n");
    return 2;
  }
  const auto* type =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(argv[3]);
  if (type == nullptr) {
    std::fprintf(stderr, "crm-publish: unknown event type %s\n", argv[3]);
    return 2;
  }
  std::unique_ptr<google::protobuf::Message> payload(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (auto s = google::protobuf::util::JsonStringToMessage(argv[4], payload.get()); !s.ok()) {
    std::fprintf(stderr, "crm-publish: payload: %s\n", s.ToString().c_str());
    return 2;
  }
  const auto* customer = type->FindFieldByName("customer_id");
  std::string subject =
      customer ? payload->GetReflection()->GetString(*payload, customer) : std::string();
  if (subject.empty()) {
    std::fprintf(stderr, "crm-publish: the payload needs its customerId\n");
    return 2;
  }
  events::v1::EventEnvelope envelope;
  envelope.set_id(argc == 6 ? argv[5] : platform::NewUuid());
  envelope.set_type(type->full_name());
  envelope.set_source("crm/dev");
  envelope.set_subject(subject);
  *envelope.mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  envelope.mutable_payload()->PackFrom(*payload);
  if (absl::Status s = platform::PublishEnvelope(argv[1], argv[2], envelope, absl::Seconds(10));
      !s.ok()) {
    std::fprintf(stderr, "crm-publish: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("%s\n", envelope.id().c_str());
  return 0;
}
